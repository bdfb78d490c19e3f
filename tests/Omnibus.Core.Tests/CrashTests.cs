using Omnibus.Tests.Shared;
using System.Diagnostics;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Xunit.Abstractions;

namespace Omnibus.Core.Tests;

/// <summary>
/// SIGKILLs a broker process under send and receive load, repeatedly, and counts: every
/// acknowledged send is still there (or was acknowledged as completed), no acknowledged completion
/// comes back, and session order holds.
/// </summary>
[Collection(CrashCollection.Name)]
[Trait("Store", TestStore.FileOnly)] // a child process killed mid-write: needs files on disk
public class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_confirmed_message_survives_SIGKILL_under_load()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-core-crash", Guid.NewGuid().ToString("N"));
        var sent = new Dictionary<string, HashSet<string>> { ["q"] = [], ["t"] = [], ["sq"] = [] };
        var done = new Dictionary<string, HashSet<string>> { ["q"] = [], ["t/Subscriptions/s"] = [] };
        var got = new Dictionary<string, HashSet<string>> { ["q"] = [], ["t/Subscriptions/s"] = [] };
        var random = new Random(42);
        try
        {
            for (int round = 0; round < 8; round++)
            {
                foreach (string line in await RunAndKill(dir, round, random.Next(200, 700)))
                {
                    string[] p = line.Split(' ');
                    if (p[0] == "SENT")
                    {
                        sent[p[1]].Add(p[2]);
                    }
                    else if (p[0] == "DONE")
                    {
                        done[p[1]].Add(p[2]);
                    }
                    else if (p[0] == "GOT")
                    {
                        got[p[1]].Add(p[2]);
                    }
                }
            }
            using Broker broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = dir, SegmentSize = 256 * 1024 });
            foreach ((string sendPath, string receivePath) in new[] { ("q", "q"), ("t", "t/Subscriptions/s") })
            {
                var remaining = (await broker.GetReceivableByStoredPath(receivePath).ReceiveAsync(1_000_000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete))
                    .Select(m => Encoding.UTF8.GetString(m.Body.Span)).ToList();
                Assert.Equal(remaining.Count, remaining.Distinct().Count());
                // Gone without an acknowledged completion is allowed only for a completion that was in flight at the kill.
                var inDoubt = got[receivePath].Except(done[receivePath]).ToHashSet();
                var missing = sent[sendPath].Except(remaining).Except(done[receivePath]).Except(inDoubt).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} acknowledged sends to {sendPath} lost, e.g. {string.Join(", ", missing.Take(5))}");
                var resurrected = remaining.Intersect(done[receivePath]).ToList();
                Assert.True(resurrected.Count == 0, $"{resurrected.Count} acknowledged completions in {receivePath} came back");
                output.WriteLine($"{sendPath}: {sent[sendPath].Count} sends and {done[receivePath].Count} completions acknowledged; {remaining.Count} left; {inDoubt.Count} completions in flight at a kill; none lost");
            }
            Receivable sessions = broker.GetReceivable("sq");
            int sessionMessages = 0;
            for (int writer = 0; writer < 3; writer++)
            {
                SessionLock session = await sessions.AcceptSessionAsync($"session-{writer}", TimeSpan.Zero);
                var bodies = (await sessions.ReceiveAsync(session, 1_000_000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete)).Select(m => Encoding.UTF8.GetString(m.Body.Span)).ToList();
                Assert.All(sent["sq"].Where(b => b.Split('-')[1] == writer.ToString(System.Globalization.CultureInfo.InvariantCulture)), b => Assert.Contains(b, bodies));
                // In order per session: (round, index) never goes backwards.
                var keys = bodies.Select(b => b.Split('-')).Select(p => (int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
                Assert.Equal(keys.Order(), keys);
                sessionMessages += bodies.Count;
            }
            output.WriteLine($"sq: {sent["sq"].Count} acknowledged session sends, {sessionMessages} found in order");
            Assert.True(sent["q"].Count > 50 && done["q"].Count > 10, "the child barely ran");
            Assert.True(sent["t"].Count > 50 && done["t/Subscriptions/s"].Count > 10, "the topic side barely ran");
            Assert.True(sent["sq"].Count > 50 && sessionMessages > 0, "the session side barely ran");
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
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add(round.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await ChildProcess.RunUntilKilledAsync(info, runMs);
    }
}
