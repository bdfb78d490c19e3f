using System.Diagnostics;
using System.Globalization;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Tests.Shared;
using Xunit.Abstractions;

namespace Omnibus.Core.Tests;

/// <summary>
/// SIGKILLs a broker process writing to many queues at once (with segment handles closed and
/// reopened all the time by a tiny handle budget, and the appends of all queues sharing commit
/// windows), repeatedly, and counts in every queue: each acknowledged send is there or was
/// completed, and no acknowledged completion comes back.
/// </summary>
[Collection(CrashCollection.Name)]
[Trait("Store", TestStore.FileOnly)] // a child process killed mid-write: needs files on disk
public class ManyQueuesCrashTests(ITestOutputHelper output)
{
    private const int Queues = 60; // as the crash helper's ManyQueuesChild.Queues

    [Fact]
    public async Task Every_confirmed_message_in_each_of_many_queues_written_at_once_survives_SIGKILL()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-core-many-crash", Guid.NewGuid().ToString("N"));
        var sent = new Dictionary<string, HashSet<string>>();
        var done = new Dictionary<string, HashSet<string>>();
        var got = new Dictionary<string, HashSet<string>>();
        long handlesClosed = 0;
        long flushes = 0, windows = 0, acknowledged = 0;
        var random = new Random(7);
        try
        {
            for (int round = 0; round < 5; round++)
            {
                long roundFlushes = 0, roundWindows = 0;
                foreach (string line in await RunAndKill(dir, round, random.Next(300, 800)))
                {
                    string[] p = line.Split(' ');
                    if (p is ["FLUSHES", string calls, "windows", string windowCount])
                    {
                        roundFlushes = long.Parse(calls, CultureInfo.InvariantCulture);
                        roundWindows = long.Parse(windowCount, CultureInfo.InvariantCulture);
                        continue;
                    }
                    if (p is ["CLOSED", "handles", string count])
                    {
                        handlesClosed = Math.Max(handlesClosed, long.Parse(count, CultureInfo.InvariantCulture));
                        continue;
                    }
                    if (p.Length != 3)
                    {
                        continue;
                    }
                    Dictionary<string, HashSet<string>>? into = p[0] switch { "SENT" => sent, "DONE" => done, "GOT" => got, _ => null };
                    if (into is not null && into != got)
                    {
                        acknowledged++;
                    }
                    if (into is not null)
                    {
                        (into.TryGetValue(p[1], out HashSet<string>? set) ? set : into[p[1]] = []).Add(p[2]);
                    }
                }
                flushes += roundFlushes;
                windows += roundWindows;
            }
            using Broker broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = dir, SegmentSize = 64 * 1024 });
            Assert.Equal(Queues, broker.ListQueues().Count);
            int total = 0;
            foreach ((string queue, HashSet<string> sends) in sent)
            {
                var remaining = (await broker.GetReceivable(queue).ReceiveAsync(1_000_000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete))
                    .Select(m => Encoding.UTF8.GetString(m.Body.Span)).ToList();
                Assert.Equal(remaining.Count, remaining.Distinct().Count());
                HashSet<string> completed = done.GetValueOrDefault(queue) ?? [];
                var inDoubt = (got.GetValueOrDefault(queue) ?? []).Except(completed).ToHashSet();
                var missing = sends.Except(remaining).Except(completed).Except(inDoubt).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} acknowledged sends to {queue} lost, e.g. {string.Join(", ", missing.Take(5))}");
                var resurrected = remaining.Intersect(completed).ToList();
                Assert.True(resurrected.Count == 0, $"{resurrected.Count} acknowledged completions in {queue} came back");
                total += sends.Count;
            }
            output.WriteLine($"{sent.Count} queues written, {total} sends and {done.Values.Sum(d => d.Count)} completions acknowledged; none lost; up to {handlesClosed} handles closed in one run; {flushes} flush calls in {windows} shared windows (last report of each run)");
            Assert.True(sent.Count >= Queues / 2, $"only {sent.Count} queues were written");
            Assert.True(total > 500 && done.Count > 0, "the child barely ran");
            Assert.True(handlesClosed > 0, "no segment handle was closed while the queues were written");
            // Two senders per queue share at most a flush per pair on their own; far more per flush means windows spanned queues.
            Assert.True(windows > 0 && acknowledged > 4 * flushes, $"{acknowledged} acknowledgements for {flushes} flush calls: flushes were not shared across queues");
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

    private static async Task<string[]> RunAndKill(string dir, int round, int runMs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Omnibus.Core.CrashHelper.dll"));
        info.ArgumentList.Add("many");
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add(round.ToString(CultureInfo.InvariantCulture));
        return await ChildProcess.RunUntilKilledAsync(info, runMs);
    }
}
