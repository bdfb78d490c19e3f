using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Tests.Shared;

namespace Omnibus.Core.Tests;

[Trait("Store", TestStore.FileOnly)] // the floor watches a volume; the memory store has none
public sealed class FreeSpaceFloorTests
{
    private const long Floor = 1024 * 1024;

    /// <summary>A volume of a set capacity that holds only the data directory: free = capacity − bytes of the files under it.</summary>
    private sealed class FakeVolume
    {
        private int _probes;

        public long Capacity { get; set; }

        public int Probes => Volatile.Read(ref _probes);

        public long Free(string directory)
        {
            Interlocked.Increment(ref _probes);
            return Capacity - Used(directory);
        }

        public static long Used(string directory)
        {
            while (true)
            {
                try
                {
                    return new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Exists ? f.Length : 0);
                }
                catch (IOException)
                {
                    // A file or directory went away during the walk (a segment deleted): walk again.
                }
            }
        }
    }

    private static (BrokerHarness Harness, FakeVolume Volume) Open(long headroom)
    {
        var volume = new FakeVolume { Capacity = long.MaxValue / 2 };
        var h = new BrokerHarness(o => o with { MinFreeSpaceBytes = Floor, FreeSpaceProbe = volume.Free });
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        h.Broker.CreateQueue(new QueueDescription { Name = "other" });
        volume.Capacity = FakeVolume.Used(h.Directory) + Floor + headroom;
        h.Broker.Space.Probe();
        return (h, volume);
    }

    /// <summary>Takes the volume below the floor and lets the probe timer notice.</summary>
    private static void Fill(BrokerHarness h, FakeVolume volume)
    {
        volume.Capacity = FakeVolume.Used(h.Directory) + Floor - 1;
        h.Clock.Advance(h.Broker.Options.FreeSpaceProbeInterval);
        Assert.True(h.Broker.Space.IsFull);
    }

    private static void AssertStorageFull(MessagingException e) => Assert.Equal(MessagingErrorCode.StorageFull, e.Code);

    [Fact]
    public async Task Below_the_floor_every_kind_of_send_is_refused_with_StorageFull()
    {
        (BrokerHarness h, FakeVolume volume) = Open(headroom: 10 * 1024 * 1024);
        using BrokerHarness _ = h;
        h.Broker.CreateTopic(new TopicDescription { Name = "t" });
        await h.Send("q", "before");
        Fill(h, volume);

        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => h.Send("q", "x")));
        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => h.Send("t", "x")));
        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => h.Broker.ScheduleAsync("q", [BrokerHarness.Message("x")], h.Clock.GetUtcNow().AddMinutes(1))));
        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => h.Broker.PublishAsync("", "q", BrokerHarness.Message("x"))));
        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => h.Broker.CommitTransactionAsync([new TransactionSend("q", [BrokerHarness.Message("x")])])));
        Exception?[] errors = await h.Broker.SendEachAsync("q", [[BrokerHarness.Message("a")], [BrokerHarness.Message("b")]]);
        Assert.All(errors, e => AssertStorageFull(Assert.IsType<MessagingException>(e)));
        MessagingException refusal = await Assert.ThrowsAsync<MessagingException>(() => h.Send("q", "x"));
        Assert.Contains("below the floor of 1 MiB", refusal.Message, StringComparison.Ordinal);
        Assert.Single(h.Broker.GetReceivable("q").Peek(0, 10));
    }

    [Fact]
    public async Task Below_the_floor_receives_settlements_dead_lettering_and_deletes_go_on()
    {
        (BrokerHarness h, FakeVolume volume) = Open(headroom: 10 * 1024 * 1024);
        using BrokerHarness _ = h;
        for (int i = 0; i < 4; i++)
        {
            await h.Send("q", $"m{i}");
        }
        Fill(h, volume);

        Receivable q = h.Broker.GetReceivable("q");
        IReadOnlyList<BrokerMessage> got = await h.Receive("q", 4);
        Assert.Equal(4, got.Count);
        await q.CompleteAsync(got[0].Delivery.LockToken);
        await q.AbandonAsync(got[1].Delivery.LockToken);
        await q.DeadLetterAsync(got[2].Delivery.LockToken, "why", "because");
        MessagingException?[] completed = await q.CompleteManyAsync([got[3].Delivery.LockToken]);
        Assert.Null(completed[0]);
        IReadOnlyList<BrokerMessage> again = await h.Receive("q", 10, ReceiveMode.ReceiveAndDelete);
        Assert.Equal(["m1"], again.Select(BrokerHarness.Text));
        IReadOnlyList<BrokerMessage> dead = await h.Receive("q/$DeadLetterQueue", 10, ReceiveMode.ReceiveAndDelete);
        Assert.Equal(["m2"], dead.Select(BrokerHarness.Text));
        h.Broker.DeleteQueue("other");
        Assert.True(h.Broker.Space.IsFull);
    }

    [Fact]
    public async Task Below_the_floor_stream_appends_are_refused_and_reads_go_on()
    {
        (BrokerHarness h, FakeVolume volume) = Open(headroom: 10 * 1024 * 1024);
        using BrokerHarness _ = h;
        global::Omnibus.Core.Streams.MessageStream stream = h.Broker.Streams.Create(new global::Omnibus.Core.Streams.StreamDefinition { Name = "s" });
        await stream.AppendAsync(0, [global::Omnibus.Core.Tests.Streams.StreamHarness.Text("before")]);
        Fill(h, volume);

        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => stream.AppendAsync(0, [global::Omnibus.Core.Tests.Streams.StreamHarness.Text("refused")])));
        Assert.Single((await stream.ReadAsync(new global::Omnibus.Core.Streams.StreamReadRequest())).Entries);
    }

    [Fact]
    public async Task Sends_resume_by_themselves_once_a_probe_sees_space_again()
    {
        (BrokerHarness h, FakeVolume volume) = Open(headroom: 10 * 1024 * 1024);
        using BrokerHarness _ = h;
        var changes = new List<StorageSpaceState>();
        h.Broker.Space.Changed += changes.Add;
        Fill(h, volume);
        await Assert.ThrowsAsync<MessagingException>(() => h.Send("q", "refused"));

        volume.Capacity += 5 * 1024 * 1024; // the operator frees space
        h.Clock.Advance(h.Broker.Options.FreeSpaceProbeInterval);

        Assert.False(h.Broker.Space.IsFull);
        await h.Send("q", "accepted");
        Assert.Equal(["accepted"], (await h.Receive("q")).Select(BrokerHarness.Text));
        Assert.Equal([true, false], changes.Select(c => c.IsFull));
        Assert.NotNull(changes[0].Reason);
        Assert.Equal(Floor, changes[0].FloorBytes);
        Assert.True(changes[0].FreeBytes < Floor);
    }

    [Fact]
    public async Task Bytes_sent_between_probes_bring_the_probe_forward_so_a_burst_stops_at_the_floor()
    {
        const int size = 16 * 1024;
        (BrokerHarness h, FakeVolume volume) = Open(headroom: 256 * 1024);
        using BrokerHarness _ = h;
        int probesBefore = volume.Probes;
        int accepted = 0;
        MessagingException? refused = null;
        // The clock never moves: only the estimate of bytes sent can bring a probe.
        for (int i = 0; i < 1000 && refused is null; i++)
        {
            try
            {
                await h.Broker.SendAsync("q", [new BrokerMessage { Body = new byte[size] }]);
                accepted++;
            }
            catch (MessagingException e)
            {
                refused = e;
            }
        }
        Assert.NotNull(refused);
        AssertStorageFull(refused!);
        Assert.True(volume.Probes > probesBefore);
        // Headroom of 256 KiB holds 16 such messages. What the estimate cannot see between probes is
        // preallocation: the spare segment made at each roll and the unused zeros of the preallocated
        // tail, so the burst may run past the floor by up to two segments, not by what it sends.
        Assert.InRange(accepted, 8, 17);
        long free = volume.Capacity - FakeVolume.Used(h.Directory);
        long segment = h.Broker.Options.SegmentSize;
        Assert.True(free > Floor - 2 * segment - 2 * size, $"{free} bytes free when refused, floor {Floor}, segment {segment}");
    }

    [Fact]
    public async Task Nothing_written_before_the_disk_filled_is_lost_across_a_restart()
    {
        (BrokerHarness h, FakeVolume volume) = Open(headroom: 10 * 1024 * 1024);
        using BrokerHarness _ = h;
        for (int i = 0; i < 20; i++)
        {
            await h.Send("q", $"m{i}");
        }
        Fill(h, volume);
        await Assert.ThrowsAsync<MessagingException>(() => h.Send("q", "refused"));

        h.Restart();
        Assert.True(h.Broker.Space.IsFull); // the first probe, at open, already sees the disk below the floor
        IReadOnlyList<BrokerMessage> got = await h.Receive("q", 100, ReceiveMode.ReceiveAndDelete);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), got.Select(BrokerHarness.Text));

        volume.Capacity += 5 * 1024 * 1024;
        h.Clock.Advance(h.Broker.Options.FreeSpaceProbeInterval);
        await h.Send("q", "after");
        Assert.Equal(["after"], (await h.Receive("q")).Select(BrokerHarness.Text));
    }

    [SkippableFact]
    public async Task A_write_that_finds_the_disk_full_refuses_sends_with_StorageFull_until_space_returns()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to mount a small tmpfs");
        string mount = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        using TinyFileSystem? mounted = TinyFileSystem.Mount(mount, "1m");
        Skip.If(mounted is null, "mount -t tmpfs is not permitted here");
        // No floor: only the write's ENOSPC can stop the sends. Segments larger than the disk, so the tail never rolls.
        using var h = new BrokerHarness(o => o with { DataDirectory = Path.Combine(mount, "data"), MinFreeSpaceBytes = 0, SegmentSize = 4 * 1024 * 1024 });
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        var confirmed = new List<int>();
        MessagingException? refused = null;
        for (int i = 0; i < 1000 && refused is null; i++)
        {
            try
            {
                await h.Broker.SendAsync("q", [new BrokerMessage { Body = Body(i) }]);
                confirmed.Add(i);
            }
            catch (MessagingException e)
            {
                refused = e;
            }
        }
        Assert.NotNull(refused);
        AssertStorageFull(refused!);
        Assert.True(h.Broker.Space.IsFull);
        Assert.Contains("full", h.Broker.Space.State.Reason, StringComparison.Ordinal);
        AssertStorageFull(await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [new BrokerMessage { Body = Body(-1) }])));

        Assert.True(TinyFileSystem.Resize(mount, "8m"));
        h.Clock.Advance(h.Broker.Options.FreeSpaceProbeInterval);
        Assert.False(h.Broker.Space.IsFull);
        for (int i = 1000; i < 1010; i++)
        {
            await h.Broker.SendAsync("q", [new BrokerMessage { Body = Body(i) }]);
            confirmed.Add(i);
        }

        h.Restart();
        IReadOnlyList<BrokerMessage> got = await h.Broker.GetReceivable("q").ReceiveAsync(2000, TimeSpan.Zero, ReceiveMode.PeekLock);
        Assert.Equal(confirmed.Count, got.Count);
        for (int i = 0; i < got.Count; i++)
        {
            Assert.Equal(Body(confirmed[i]), got[i].Body.ToArray());
        }
    }

    private static byte[] Body(int i)
    {
        var body = new byte[8 * 1024];
        new Random(i).NextBytes(body);
        return body;
    }
}
