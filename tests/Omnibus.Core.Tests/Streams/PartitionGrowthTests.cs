using Omnibus.Core.Engine;
using Omnibus.Core.Streams;
using static Omnibus.Core.Tests.Streams.StreamHarness;

namespace Omnibus.Core.Tests.Streams;

public class PartitionGrowthTests
{
    [Fact]
    public async Task A_stream_with_more_than_32_partitions_grows_at_run_time_and_keeps_its_partitions_after_a_restart()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "wide", PartitionCount = 40 });
        await stream.AppendAsync(39, [Text("in 39")]);

        h.Streams.AddPartitions("wide", 64);
        await stream.AppendAsync(63, [Text("in 63")]);
        await h.Streams.CommitOffsetAsync("g", "wide", 63, 1);

        h.Restart();
        MessageStream reopened = h.Streams.Get("wide");
        Assert.Equal(64, reopened.PartitionCount);
        Assert.Equal(64, reopened.Definition.PartitionCount);
        Assert.Equal("in 39", ValueOf(Assert.Single(await ReadAll(reopened, 39))));
        Assert.Equal("in 63", ValueOf(Assert.Single(await ReadAll(reopened, 63))));
        Assert.Equal(1, h.Streams.FetchOffset("g", "wide", 63)!.Offset);
    }

    [Fact]
    public void A_stream_keeps_its_front_end_settings_across_updates_and_restarts()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "configured", Settings = new Dictionary<string, string> { ["max.message.bytes"] = "2048" } });
        h.Streams.Update(stream.Definition with { Settings = new Dictionary<string, string> { ["max.message.bytes"] = "4096", ["min.insync.replicas"] = "2" } });

        h.Restart();
        IReadOnlyDictionary<string, string>? settings = h.Streams.Get("configured").Definition.Settings;
        Assert.NotNull(settings);
        Assert.Equal("4096", settings["max.message.bytes"]);
        Assert.Equal("2", settings["min.insync.replicas"]);
        Assert.Null(h.Streams.Create(new StreamDefinition { Name = "plain" }).Definition.Settings);
    }

    [Fact]
    public void Partitions_cannot_be_removed_nor_grown_past_the_limit()
    {
        using var h = new StreamHarness();
        MessageStream stream = h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 4 });
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => h.Streams.AddPartitions("s", 4)).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => h.Streams.Update(stream.Definition with { PartitionCount = 2 })).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => h.Streams.AddPartitions("s", StreamDefinition.MaxPartitions + 1)).Code);
        Assert.Equal(4, h.Streams.Get("s").PartitionCount);
    }

    [Fact]
    public async Task Each_namespace_has_its_own_streams_which_survive_a_broker_restart()
    {
        string directory = Path.Combine(Path.GetTempPath(), "omnibus-stream-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using (NamespaceRegistry registry = NamespaceRegistry.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = directory }))
            {
                Broker sales = registry.Create("sales");
                await registry.Default.Streams.Create(new StreamDefinition { Name = "events" }).AppendAsync(0, [Text("default")]);
                MessageStream salesEvents = sales.Streams.Create(new StreamDefinition { Name = "events", PartitionCount = 2 });
                await salesEvents.AppendAsync(1, [Text("sales")]);
            }
            using NamespaceRegistry reopened = NamespaceRegistry.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = directory });
            Assert.Equal(1, reopened.Default.Streams.Get("events").PartitionCount);
            Assert.Equal("default", ValueOf(Assert.Single(await ReadAll(reopened.Default.Streams.Get("events")))));
            Assert.Equal("sales", ValueOf(Assert.Single(await ReadAll(reopened.Get("sales").Streams.Get("events"), 1))));
        }
        finally
        {
            TestStore.Delete(directory);
        }
    }
}
