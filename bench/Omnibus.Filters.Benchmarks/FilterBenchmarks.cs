using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Omnibus.Filters;

namespace Omnibus.Filters.Benchmarks;

/// <summary>Adds the rule evaluations per second (1 / mean time per operation) to the summary table.</summary>
public sealed class EvaluationsPerSecondColumn : IColumn
{
    public string Id => nameof(EvaluationsPerSecondColumn);
    public string ColumnName => "Evaluations/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Rule evaluations per second on one core (1 / Mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? (1e9 / mean.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

public sealed class FilterBenchmarkConfig : ManualConfig
{
    public FilterBenchmarkConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new EvaluationsPerSecondColumn());
    }
}

/// <summary>
/// One rule evaluation per operation (OperationsPerInvoke spreads each invocation over all
/// subscriptions and messages), so Mean is the cost of one evaluation and Allocated the
/// bytes per evaluation.
/// </summary>
[Config(typeof(FilterBenchmarkConfig))]
public class FilterBenchmarks
{
    private const int MessageCount = 32;

    private IRuleFilter[] _mixed = [];
    private IRuleFilter[] _correlation = [];
    private IRuleFilter[] _simple = [];
    private IRuleFilter[] _complex = [];
    private RuleSet[] _ruleSets = [];
    private FilterMessage[] _messages = [];

    [GlobalSetup]
    public void Setup()
    {
        _correlation = Workload.CorrelationFilters();
        _simple = Workload.SimpleSqlFilters();
        _complex = Workload.ComplexSqlFilters();
        _mixed = [.. _correlation, .. _simple, .. _complex];
        _ruleSets = Workload.RuleSets();
        _messages = Workload.Messages(MessageCount);
    }

    private int Run(IRuleFilter[] filters)
    {
        var matched = 0;
        foreach (var message in _messages)
        {
            foreach (var filter in filters)
            {
                if (filter.Evaluate(message).IsMatch) matched++;
            }
        }
        return matched;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessageCount * Workload.Subscriptions, Description = "100 subscriptions, mixed rules")]
    public int MixedSubscriptions() => Run(_mixed);

    [Benchmark(OperationsPerInvoke = MessageCount * 40, Description = "correlation filters")]
    public int CorrelationFilters() => Run(_correlation);

    [Benchmark(OperationsPerInvoke = MessageCount * 40, Description = "simple SQL comparisons")]
    public int SimpleSqlComparisons() => Run(_simple);

    [Benchmark(OperationsPerInvoke = MessageCount * 20, Description = "richer SQL (IN, LIKE, arithmetic)")]
    public int ComplexSql() => Run(_complex);

    /// <summary>Full subscription routing: RuleSet.Evaluate, including the copies for the 4 rules with actions.</summary>
    [Benchmark(OperationsPerInvoke = MessageCount * Workload.Subscriptions, Description = "RuleSet.Evaluate x100 (4 with actions)")]
    public int RuleSets()
    {
        var delivered = 0;
        foreach (var message in _messages)
        {
            foreach (var rules in _ruleSets)
            {
                delivered += rules.Evaluate(message).MessageCount;
            }
        }
        return delivered;
    }
}

/// <summary>Creating rules: parse and compile cost.</summary>
[Config(typeof(FilterBenchmarkConfig))]
public class CompileBenchmarks
{
    [Benchmark]
    public SqlFilter CompileComplexFilter() =>
        SqlFilter.Compile("sys.Label LIKE 'order.%' AND color IN ('red', 'blue') AND quantity * price > 100 OR NOT EXISTS(x)");

    [Benchmark]
    public SqlRuleAction CompileAction() => SqlRuleAction.Compile("SET quantity = quantity / 2; REMOVE priority; SET sys.CorrelationId = 'low'");
}
