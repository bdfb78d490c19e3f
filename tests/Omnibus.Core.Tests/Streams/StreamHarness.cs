using System.Text;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Streams;

namespace Omnibus.Core.Tests.Streams;

/// <summary>A stream registry over a temp directory with a fake clock; reopen it to test restarts.</summary>
public sealed class StreamHarness : IDisposable
{
    public StreamHarness(int offsetSnapshotEvery = 10_000)
    {
        Directory = Path.Combine(Path.GetTempPath(), "omnibus-stream-tests", Guid.NewGuid().ToString("N"));
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        OffsetSnapshotEvery = offsetSnapshotEvery;
        Streams = Open();
    }

    public string Directory { get; }

    public FakeTimeProvider Clock { get; }

    public int OffsetSnapshotEvery { get; }

    public StreamRegistry Streams { get; private set; }

    // The sweep timer is a month apart so tests decide when retention and compaction run.
    private StreamRegistry Open() => StreamRegistry.Open(new StreamOptions { Store = TestStore.Current,
        DataDirectory = Directory,
        TimeProvider = Clock,
        SweepInterval = TimeSpan.FromDays(30),
        OffsetSnapshotEvery = OffsetSnapshotEvery,
    });

    /// <summary>Closes the registry cleanly and opens it again over the same data.</summary>
    public void Restart()
    {
        Streams.Dispose();
        Streams = Open();
    }

    public static StreamRecord Text(string value, string? key = null) => new()
    {
        Value = Encoding.UTF8.GetBytes(value),
        Key = key is null ? null : Encoding.UTF8.GetBytes(key),
    };

    public static StreamRecord Tombstone(string key) => new() { Key = Encoding.UTF8.GetBytes(key) };

    public static string? ValueOf(StreamEntry entry) => entry.Record.Value is null ? null : Encoding.UTF8.GetString(entry.Record.Value);

    public static string? KeyOf(StreamEntry entry) => entry.Record.Key is null ? null : Encoding.UTF8.GetString(entry.Record.Key);

    /// <summary>Everything in a partition from its earliest offset.</summary>
    public static async Task<IReadOnlyList<StreamEntry>> ReadAll(MessageStream stream, int partition = 0)
    {
        StreamReadResult result = await stream.ReadAsync(new StreamReadRequest { Partition = partition, Offset = stream.EarliestOffset(partition), MaxBytes = int.MaxValue, MaxCount = int.MaxValue });
        return result.Entries;
    }

    public void Dispose()
    {
        Streams.Dispose();
        try
        {
            TestStore.Delete(Directory);
        }
        catch (IOException)
        {
        }
    }
}
