using BenchmarkDotNet.Attributes;

namespace Omnibus.Storage.Benchmarks;

/// <summary>CPU and allocation cost of the append path (durability 'none', so the disk is not measured).</summary>
[MemoryDiagnoser]
public class AppendBenchmarks : IDisposable
{
    private string _dir = "";
    private PartitionLog _log = null!;
    private readonly byte[] _body = new byte[1024];
    private ReadOnlyMemory<byte>[] _batch = [];

    [Params(1, 16)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "omnibus-bench-append-" + Guid.NewGuid().ToString("N"));
        _log = PartitionLog.Open(_dir, new LogOptions { Durability = DurabilityPolicy.None });
        _batch = Enumerable.Range(0, BatchSize).Select(_ => (ReadOnlyMemory<byte>)_body).ToArray();
    }

    [Benchmark]
    public Task<long> Append1KiB() => _log.AppendBatchAsync(_batch);

    [GlobalCleanup]
    public void Dispose()
    {
        _log.Dispose();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Cost of reading 1 KiB records sequentially from page cache, per 1,000 records.</summary>
[MemoryDiagnoser]
public class ReadBenchmarks : IDisposable
{
    private const int Records = 100_000;
    private string _dir = "";
    private PartitionLog _log = null!;
    private long _from;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "omnibus-bench-read-" + Guid.NewGuid().ToString("N"));
        _log = PartitionLog.Open(_dir, new LogOptions { Durability = DurabilityPolicy.None });
        var body = new byte[1024];
        var batch = Enumerable.Range(0, 100).Select(_ => (ReadOnlyMemory<byte>)body).ToArray();
        for (int i = 0; i < Records / 100; i++)
        {
            _log.AppendBatchAsync(batch).GetAwaiter().GetResult();
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public long Read1000Records()
    {
        _from = (_from + 1000) % (Records - 1000);
        using LogReader reader = _log.OpenReader(_from);
        long sum = 0;
        for (int i = 0; i < 1000 && reader.TryRead(out LogRecord record); i++)
        {
            sum += record.Body.Length;
        }
        return sum;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _log.Dispose();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
