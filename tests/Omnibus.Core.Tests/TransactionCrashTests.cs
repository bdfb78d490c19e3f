using System.Diagnostics;
using System.Globalization;
using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Tests.Shared;
using Xunit.Abstractions;

namespace Omnibus.Core.Tests;

/// <summary>
/// SIGKILLs a broker process that commits transactions (each completes one message of "in" and
/// sends its body to "out"), repeatedly, and counts after the last restart: every transaction is
/// either wholly applied (gone from "in", once in "out") or not at all (still in "in", not in "out"),
/// and every acknowledged one is applied.
/// </summary>
[Collection(CrashCollection.Name)]
[Trait("Store", TestStore.FileOnly)] // a child process killed mid-write: needs files on disk
public class TransactionCrashTests(ITestOutputHelper output)
{
    private const int Inputs = 30_000; // as TransactionChild.Inputs

    [Fact]
    public async Task Every_transaction_is_whole_or_absent_after_SIGKILL_and_every_acknowledged_one_is_whole()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-core-tx-crash", Guid.NewGuid().ToString("N"));
        var committed = new HashSet<string>();
        int recoveredByChildren = 0;
        var random = new Random(7);
        try
        {
            for (int round = 0; round < 8; round++)
            {
                foreach (string line in await RunAndKill(dir, random.Next(300, 800)))
                {
                    string[] p = line.Split(' ');
                    if (p[0] == "COMMITTED")
                    {
                        Assert.True(committed.Add(p[1]), $"{p[1]} committed twice");
                    }
                    else if (p[0] == "RECOVERED")
                    {
                        recoveredByChildren += int.Parse(p[1], CultureInfo.InvariantCulture);
                    }
                }
            }
            using Broker broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = dir, SegmentSize = 256 * 1024 });
            var input = (await broker.GetReceivable("in").ReceiveAsync(1_000_000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete))
                .Select(m => Encoding.UTF8.GetString(m.Body.Span)).ToList();
            var outputs = (await broker.GetReceivable("out").ReceiveAsync(1_000_000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete))
                .Select(m => Encoding.UTF8.GetString(m.Body.Span)).ToList();
            var duplicates = outputs.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{duplicates.Count} sends applied twice, e.g. {string.Join(", ", duplicates.Take(5))}");
            Assert.Equal(input.Count, input.Distinct().Count());
            var left = input.ToHashSet();
            var sent = outputs.ToHashSet();
            var half = Enumerable.Range(0, Inputs).Select(i => "m-" + i.ToString(CultureInfo.InvariantCulture))
                .Where(b => left.Contains(b) == sent.Contains(b)).ToList();
            Assert.True(half.Count == 0, $"{half.Count} transactions half applied (completed without the send, or sent without the completion), e.g. {string.Join(", ", half.Take(5))}");
            var lost = committed.Where(b => left.Contains(b) || !sent.Contains(b)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged transactions not applied, e.g. {string.Join(", ", lost.Take(5))}");
            output.WriteLine($"{committed.Count} transactions acknowledged; {sent.Count} applied; {left.Count} inputs left; " +
                $"{recoveredByChildren + broker.RecoveredTransactions} completed by recovery at an open; none half applied or duplicated");
            Assert.True(committed.Count > 200, "the child barely ran");
            Assert.True(left.Count > 0, "the inputs ran out: every round should end in the middle of the work");
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

    private static async Task<string[]> RunAndKill(string dir, int runMs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Omnibus.Core.CrashHelper.dll"));
        info.ArgumentList.Add("transactions");
        info.ArgumentList.Add(dir);
        return await ChildProcess.RunUntilKilledAsync(info, runMs);
    }
}
