using System.Diagnostics;
using BenchmarkDotNet.Running;
using Omnibus.Filters;
using Omnibus.Filters.Benchmarks;

// `dotnet run -c Release -- throughput` prints a quick single-core figure without BenchmarkDotNet;
// anything else goes to BenchmarkSwitcher (e.g. `--filter *FilterBenchmarks* --job short`).
if (args is ["throughput", ..])
{
    Throughput.Run(TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

internal static class Throughput
{
    public static void Run(TimeSpan duration)
    {
        var messages = Workload.Messages(32);
        Measure("100 subscriptions, mixed", [.. Workload.CorrelationFilters(), .. Workload.SimpleSqlFilters(), .. Workload.ComplexSqlFilters()], messages, duration);
        Measure("40 correlation filters", Workload.CorrelationFilters(), messages, duration / 3);
        Measure("40 simple SQL comparisons", Workload.SimpleSqlFilters(), messages, duration / 3);
        Measure("20 richer SQL filters", Workload.ComplexSqlFilters(), messages, duration / 3);
    }

    private static void Measure(string name, IRuleFilter[] filters, FilterMessage[] messages, TimeSpan duration)
    {
        var matched = Pass(filters, messages); // warm-up and JIT
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long evaluations = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            matched += Pass(filters, messages);
            evaluations += filters.Length * messages.Length;
        }
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine($"{name} x {messages.Length} messages: {evaluations / watch.Elapsed.TotalSeconds:N0} rule evaluations/s on one thread, " +
            $"{(double)allocated / evaluations:F3} bytes allocated per evaluation ({matched:N0} matches)");
    }

    private static long Pass(IRuleFilter[] filters, FilterMessage[] messages)
    {
        long matched = 0;
        foreach (var message in messages)
        {
            foreach (var filter in filters)
            {
                if (filter.Evaluate(message).IsMatch) matched++;
            }
        }
        return matched;
    }
}
