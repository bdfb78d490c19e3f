using System.Runtime.CompilerServices;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Tests;

public class DisposalTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Broker, WeakReference Receivable, WeakReference Log) Use(string dir)
    {
        var broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = dir });
        broker.CreateQueue(new QueueDescription { Name = "q" });
        broker.SendAsync("q", [BrokerHarness.Message("x")]).GetAwaiter().GetResult();
        Receivable r = broker.GetReceivable("q");
        var log = new WeakReference(r.Partitions[0].Log);
        var result = (new WeakReference(broker), new WeakReference(r), log);
        broker.Dispose();
        return result;
    }

    [Fact]
    public void A_disposed_broker_can_be_collected()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-leak", Guid.NewGuid().ToString("N"));
        var (b, r, l) = Use(dir);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(l.IsAlive, "log alive");
        Assert.False(r.IsAlive, "receivable alive");
        Assert.False(b.IsAlive, "broker alive");
        TestStore.Delete(dir);
    }
}
