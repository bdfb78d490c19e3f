using Omnibus.Core;

namespace Omnibus.Core.Tests;

public sealed class UniqueIdsTests
{
    [Fact]
    public void Ids_are_distinct_across_threads_and_not_sequential()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<Guid, byte>();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                Assert.True(seen.TryAdd(UniqueIds.NewGuid(), 0));
            }
        });
        Assert.Equal(200_000, seen.Count);
        Guid a = UniqueIds.NewGuid();
        Guid b = UniqueIds.NewGuid();
        // The counter is mixed: consecutive ids differ in many bits, not just the last one.
        int differingBytes = a.ToByteArray().Zip(b.ToByteArray()).Count(p => p.First != p.Second);
        Assert.True(differingBytes >= 4, $"consecutive ids {a} and {b} differ in only {differingBytes} bytes");
        Assert.NotEqual(Guid.Empty, a);
    }
}
