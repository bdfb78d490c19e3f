using System.Diagnostics;
using System.Globalization;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Tests.Shared;
using Xunit.Abstractions;

namespace Omnibus.Core.Tests;

/// <summary>
/// SIGKILLs a broker process sending to a grouped queue and completing from it with competing
/// receivers, repeatedly, and counts: every acknowledged send is there or was completed, and each
/// group was completed in the order it was sent, across every restart.
/// </summary>
[Collection(CrashCollection.Name)]
[Trait("Store", TestStore.FileOnly)] // a child process killed mid-write: needs files on disk
public class GroupCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Grouped_messages_survive_SIGKILL_under_load_and_each_group_keeps_its_order()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-core-group-crash", Guid.NewGuid().ToString("N"));
        var sent = new HashSet<(string, long)>();
        var done = new HashSet<(string, long)>();
        var got = new HashSet<(string, long)>();
        var lastDone = new Dictionary<string, long>();
        var lastGot = new Dictionary<string, long>();
        var random = new Random(11);
        try
        {
            for (int round = 0; round < 6; round++)
            {
                foreach (string line in await RunAndKill(dir, round, random.Next(300, 800)))
                {
                    string[] p = line.Split(' ');
                    if (p.Length != 3)
                    {
                        continue;
                    }
                    (string Group, long Index) key = (p[1], long.Parse(p[2], CultureInfo.InvariantCulture));
                    switch (p[0])
                    {
                        case "SENT":
                            sent.Add(key);
                            break;
                        case "GOT":
                            // A group's next message is handed out only once its head's completion is
                            // durable, so receipts of a group never go back (an equal index is the
                            // redelivery of a completion in flight at a kill).
                            Assert.True(!lastGot.TryGetValue(key.Group, out long previous) || key.Index >= previous,
                                $"group {key.Group}: {key.Index} received after {previous}");
                            lastGot[key.Group] = key.Index;
                            got.Add(key);
                            break;
                        case "DONE":
                            lastDone[key.Group] = Math.Max(lastDone.GetValueOrDefault(key.Group, long.MinValue), key.Index);
                            done.Add(key);
                            break;
                    }
                }
            }
            using Broker broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = dir, SegmentSize = 256 * 1024 });
            var remaining = (await broker.GetReceivable("gq").ReceiveAsync(1_000_000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete))
                .Select(m => (m.SessionId!, long.Parse(Encoding.UTF8.GetString(m.Body.Span), CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(remaining.Count, remaining.Distinct().Count());
            var inDoubt = got.Except(done).ToHashSet();
            var missing = sent.Except(remaining).Except(done).Except(inDoubt).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged sends lost, e.g. {string.Join(", ", missing.Take(5))}");
            var resurrected = remaining.Intersect(done).ToList();
            Assert.True(resurrected.Count == 0, $"{resurrected.Count} acknowledged completions came back");
            foreach (var group in remaining.GroupBy(r => r.Item1))
            {
                var indices = group.Select(r => r.Item2).ToList();
                Assert.Equal(indices.Order(), indices);
                Assert.True(!lastDone.TryGetValue(group.Key, out long last) || indices[0] > last, $"group {group.Key}: {indices[0]} left behind {last} completed");
            }
            output.WriteLine($"{sent.Count} sends and {done.Count} completions acknowledged over {lastDone.Count} groups; {remaining.Count} left; {inDoubt.Count} completions in flight at a kill; none lost, order kept");
            Assert.True(done.Count > 100, "the child barely ran");
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
        info.ArgumentList.Add("groups");
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add(round.ToString(CultureInfo.InvariantCulture));
        return await ChildProcess.RunUntilKilledAsync(info, runMs);
    }
}
