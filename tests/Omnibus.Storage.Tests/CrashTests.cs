using Omnibus.Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using Omnibus.Storage.CrashHelper;
using Omnibus.Storage.State;
using Xunit.Abstractions;

namespace Omnibus.Storage.Tests;

/// <summary>
/// Kills a child process that appends with durability 'always' (SIGKILL, at random moments) and
/// checks after every kill that each acknowledged record is present, intact and in order.
/// </summary>
public class CrashTests(ITestOutputHelper output)
{
    private const int Kills = 25;

    [Fact]
    public async Task Every_acknowledged_record_survives_SIGKILL_intact_and_in_order()
    {
        using var dir = new TempDirectory();
        var random = new Random(20261127);
        var acknowledged = new Dictionary<long, (int Writer, long Index)>();
        long totalTruncated = 0;
        for (int round = 0; round < Kills; round++)
        {
            // Each round's writers use fresh indexes so records of different rounds never look alike.
            long startIndex = round * 10_000_000L;
            string[] lines = await RunAndKill(["log", dir.Path, "8", startIndex.ToString(CultureInfo.InvariantCulture)], random.Next(30, 400));
            foreach (string line in lines.Where(l => l.StartsWith("A ", StringComparison.Ordinal)))
            {
                string[] p = line.Split(' ');
                acknowledged[long.Parse(p[1], CultureInfo.InvariantCulture)] = (int.Parse(p[2], CultureInfo.InvariantCulture), long.Parse(p[3], CultureInfo.InvariantCulture));
            }
            using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentSize = 256 * 1024 });
            totalTruncated += log.Recovery.TruncatedBytes;
            Verify(log, acknowledged);
        }
        output.WriteLine($"{Kills} kills, {acknowledged.Count} acknowledged records verified, {totalTruncated} torn bytes truncated in all");
        Assert.True(acknowledged.Count > Kills * 10, $"only {acknowledged.Count} acknowledged records: the child barely ran");
    }

    private static void Verify(PartitionLog log, Dictionary<long, (int Writer, long Index)> acknowledged)
    {
        var lastIndexByWriter = new Dictionary<int, long>();
        long expected = 0;
        using LogReader reader = log.OpenReader(0);
        while (reader.TryRead(out LogRecord record))
        {
            Assert.Equal(expected++, record.Sequence);
            // No garbage: every stored record, acknowledged or not, is a whole payload.
            Assert.True(CrashPayload.TryParse(record.Body.Span, out int writer, out long index), $"record {record.Sequence} is not a payload");
            if (acknowledged.TryGetValue(record.Sequence, out var ack))
            {
                Assert.Equal(ack, (writer, index));
            }
            // Each writer awaited each append before the next, so its records are in order in the log.
            if (lastIndexByWriter.TryGetValue(writer, out long last) && index / 10_000_000 == last / 10_000_000)
            {
                Assert.True(index > last, $"writer {writer}: index {index} after {last}");
            }
            lastIndexByWriter[writer] = index;
        }
        Assert.Equal(log.NextSequence, expected);
        long missing = acknowledged.Keys.Count(s => s >= expected);
        Assert.True(missing == 0, $"{missing} acknowledged records are missing after recovery (log ends at {expected})");
    }

    [Fact]
    public async Task Acknowledged_delivery_state_changes_survive_SIGKILL()
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        var settled = new HashSet<long>();
        var deferred = new HashSet<long>();
        var attempts = new Dictionary<long, int>();
        for (int round = 0; round < 20; round++)
        {
            string[] lines = await RunAndKill(["state", dir.Path, round.ToString(CultureInfo.InvariantCulture)], random.Next(30, 300));
            foreach (string line in lines.Where(l => l.StartsWith("S ", StringComparison.Ordinal)))
            {
                string[] p = line.Split(' ');
                var kind = (StateChangeKind)int.Parse(p[1], CultureInfo.InvariantCulture);
                long seq = long.Parse(p[2], CultureInfo.InvariantCulture);
                switch (kind)
                {
                    case StateChangeKind.Complete or StateChangeKind.DeadLetter:
                        settled.Add(seq);
                        break;
                    case StateChangeKind.Defer:
                        deferred.Add(seq);
                        break;
                    case StateChangeKind.DeliveryAttempt:
                        attempts[seq] = attempts.GetValueOrDefault(seq) + 1;
                        break;
                }
            }
            using var store = DeliveryStateStore.Open(dir.Path, new DeliveryStateOptions { CheckpointEvery = 200, ChangeLogSegmentSize = 16 * 1024 });
            DeliveryState state = store.State;
            Assert.All(settled, s => Assert.True(state.IsSettled(s), $"acknowledged settlement of {s} lost"));
            Assert.All(deferred.Where(s => !state.IsSettled(s)), s => Assert.True(state.IsDeferred(s), $"acknowledged deferral of {s} lost"));
            Assert.All(attempts.Where(a => !state.IsSettled(a.Key)), a => Assert.True(state.DeliveryCount(a.Key) >= a.Value, $"delivery count of {a.Key} is {state.DeliveryCount(a.Key)} < {a.Value}"));
        }
        output.WriteLine($"{settled.Count} settlements, {deferred.Count} deferrals, {attempts.Values.Sum()} attempts verified across 20 kills");
        Assert.True(settled.Count > 100);
        Assert.NotEmpty(deferred); // so the deferral and attempt checks above were not vacuous
        Assert.NotEmpty(attempts);
    }

    /// <summary>Starts the crash helper, lets it run for about <paramref name="runMs"/> after it is ready, SIGKILLs it, and returns everything it printed.</summary>
    private static async Task<string[]> RunAndKill(string[] arguments, int runMs)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "Omnibus.Storage.CrashHelper.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(helper);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        return await ChildProcess.RunUntilKilledAsync(info, runMs);
    }
}
