using System.Diagnostics;
using System.Globalization;
using System.Text;
using Omnibus.Core.Streams;
using Omnibus.Tests.Shared;
using Xunit.Abstractions;

namespace Omnibus.Core.Tests.Streams;

/// <summary>
/// SIGKILLs a process appending to a stream and committing group offsets, repeatedly, and counts:
/// every acknowledged append is at its offset, in order, and no committed offset is older than
/// the last acknowledged commit.
/// </summary>
[Trait("Store", TestStore.FileOnly)] // a child process killed mid-write: needs files on disk
public class StreamCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Acknowledged_appends_and_group_commits_survive_SIGKILL_under_load()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-stream-crash", Guid.NewGuid().ToString("N"));
        var appended = new Dictionary<(int Partition, long Offset), string>();
        var lastCommit = new long[] { -1, -1 };
        var random = new Random(7);
        try
        {
            for (int round = 0; round < 6; round++)
            {
                foreach (string line in await RunAndKill(dir, round, random.Next(200, 600)))
                {
                    string[] p = line.Split(' ');
                    if (p[0] == "APPENDED")
                    {
                        int partition = int.Parse(p[1], CultureInfo.InvariantCulture);
                        long first = long.Parse(p[2], CultureInfo.InvariantCulture);
                        string[] values = p[3].Split(',');
                        for (int i = 0; i < values.Length; i++)
                        {
                            appended.Add((partition, first + i), values[i]);
                        }
                    }
                    else if (p[0] == "COMMITTED")
                    {
                        int partition = int.Parse(p[1], CultureInfo.InvariantCulture);
                        lastCommit[partition] = Math.Max(lastCommit[partition], long.Parse(p[2], CultureInfo.InvariantCulture));
                    }
                }
                await Check(dir, appended, lastCommit);
            }
            Assert.True(appended.Count > 100, $"the child barely ran: {appended.Count} appends");
            Assert.True(lastCommit.All(c => c > 0), "the child committed nothing");
            output.WriteLine($"{appended.Count} acknowledged records and commits up to {string.Join(", ", lastCommit)} found after 6 kills");
        }
        finally
        {
            try
            {
                TestStore.Delete(dir);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task Check(string dir, Dictionary<(int Partition, long Offset), string> appended, long[] lastCommit)
    {
        using StreamRegistry streams = StreamRegistry.Open(new StreamOptions { Store = TestStore.Current, DataDirectory = dir, SegmentSize = 64 * 1024 });
        MessageStream stream = streams.Get("s");
        for (int partition = 0; partition < 2; partition++)
        {
            IReadOnlyList<StreamEntry> entries = await StreamHarness.ReadAll(stream, partition);
            // Offsets are dense (no compaction), so the log is exactly offsets 0 to the high watermark.
            Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i), entries.Select(e => e.Offset));
            var stored = entries.ToDictionary(e => e.Offset, e => Encoding.UTF8.GetString(e.Record.Value!));
            foreach (((int p, long offset), string value) in appended.Where(a => a.Key.Partition == partition))
            {
                Assert.True(stored.TryGetValue(offset, out string? found) && found == value, $"acknowledged {value} at {p}/{offset} is missing (found {found})");
            }
            // Each writer's records are in the order it appended them: (round, batch, index) never goes back.
            foreach (var writer in entries.Select(e => Encoding.UTF8.GetString(e.Record.Value!).Split('-')).GroupBy(v => v[2]))
            {
                var order = writer.Select(v => (int.Parse(v[0], CultureInfo.InvariantCulture), int.Parse(v[3], CultureInfo.InvariantCulture), int.Parse(v[4], CultureInfo.InvariantCulture))).ToList();
                Assert.Equal(order.Order(), order);
            }
            CommittedOffset? committed = streams.FetchOffset("g", "s", partition);
            if (lastCommit[partition] >= 0)
            {
                Assert.NotNull(committed);
                Assert.True(committed.Offset >= lastCommit[partition], $"partition {partition}: committed {committed.Offset}, last acknowledged {lastCommit[partition]}");
                Assert.True(committed.Offset <= stream.HighWatermark(partition), "a commit points past the log");
            }
        }
    }

    private static async Task<string[]> RunAndKill(string dir, int round, int runMs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Omnibus.Core.CrashHelper.dll"));
        info.ArgumentList.Add("streams");
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add(round.ToString(CultureInfo.InvariantCulture));
        return await ChildProcess.RunUntilKilledAsync(info, runMs);
    }
}
