using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Tests;

/// <summary>Every repair storage makes when the broker opens is named per entity, for the host to report.</summary>
[Trait("Store", TestStore.FileOnly)] // damages files on disk
public sealed class RepairReportTests : IDisposable
{
    private readonly BrokerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private string TailSegmentOf(string queue)
    {
        string dir = Directory.GetDirectories(Path.Combine(_harness.Directory, "queues")).Single(d => Path.GetFileName(d).StartsWith(queue, StringComparison.Ordinal));
        return Directory.GetFiles(Path.Combine(dir, "log", "p0"), "*.seg").Order(StringComparer.Ordinal).Last();
    }

    [Fact]
    public async Task A_clean_restart_reports_no_repair()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await _harness.Send("orders", "a");

        _harness.Restart();

        Assert.Empty(_harness.Broker.RepairsAtOpen);
    }

    [Fact]
    public async Task A_cut_tail_and_a_zeroed_header_are_reported_with_their_entity_and_what_was_kept()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "payments" });
        for (int i = 0; i < 20; i++)
        {
            await _harness.Send("orders", $"o{i}");
            await _harness.Send("payments", $"p{i}");
        }
        _harness.Broker.Dispose();
        string orders = TailSegmentOf("orders");
        using (var f = new FileStream(orders, FileMode.Open))
        {
            f.SetLength(f.Length - 5);
        }
        using (var f = new FileStream(TailSegmentOf("payments"), FileMode.Open))
        {
            f.Write(new byte[32]);
        }

        _harness.Restart();

        IReadOnlyList<StorageRepair> repairs = _harness.Broker.RepairsAtOpen;
        Assert.Equal(["queue orders", "queue payments"], repairs.Select(r => r.Entity));
        Assert.Contains("bytes cut at byte", repairs[0].Describe(), StringComparison.Ordinal);
        Assert.Contains("zeroed header", repairs[1].Describe(), StringComparison.Ordinal);
        Assert.Equal(19, (await _harness.Receive("orders", 100, ReceiveMode.ReceiveAndDelete)).Count);
        Assert.Equal(20, (await _harness.Receive("payments", 100, ReceiveMode.ReceiveAndDelete)).Count);
    }

    [Fact]
    public async Task A_lost_catalog_beside_entity_data_stops_the_open_with_the_reason_and_changes_nothing()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await _harness.Send("orders", "kept");
        _harness.Broker.Dispose();
        string catalog = Path.Combine(_harness.Directory, "catalog.json");
        File.Move(catalog, catalog + ".aside");

        var refused = Assert.Throws<Omnibus.Storage.StorageFormatException>(() => _harness.Restart());

        Assert.Contains("catalog.json' is missing", refused.Message, StringComparison.Ordinal);
        File.Move(catalog + ".aside", catalog);
        _harness.Restart();
        Assert.Equal("kept", BrokerHarness.Text(Assert.Single(await _harness.Receive("orders", 10, ReceiveMode.ReceiveAndDelete))));
    }

    [Fact]
    public void A_lost_routing_file_stops_the_open_with_the_reason_and_a_broker_that_never_routed_opens_without_one()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        _harness.Restart();
        Assert.False(File.Exists(Path.Combine(_harness.Directory, "routing.json")));

        _harness.Broker.DeclareExchange(new Omnibus.Core.Routing.ExchangeDescription { Name = "shop", Type = Omnibus.Core.Routing.ExchangeTypes.Direct, Durable = true });
        _harness.Broker.Bind(new Omnibus.Core.Routing.BindingDescription { Source = "shop", Destination = "orders", RoutingKey = "new" });
        _harness.Broker.Dispose();
        string routing = Path.Combine(_harness.Directory, "routing.json");
        File.Move(routing, routing + ".aside");

        var refused = Assert.Throws<Omnibus.Storage.StorageFormatException>(() => _harness.Restart());

        Assert.Contains("routing.json' is missing", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the exchanges and bindings are lost", refused.Message, StringComparison.Ordinal);
        File.Move(routing + ".aside", routing);
        _harness.Restart();
        Assert.Contains(_harness.Broker.ListBindings("shop"), b => b.Destination == "orders");
    }

    [Fact]
    public async Task A_lost_stream_catalog_beside_stream_data_stops_the_open_with_the_reason_and_changes_nothing()
    {
        _harness.Broker.CreateTopicStream(new Omnibus.Core.Streams.StreamDefinition { Name = "events" });
        await _harness.Broker.AppendToTopicStreamAsync("events", 0, [new Omnibus.Core.Streams.StreamRecord { Value = [1, 2, 3] }]);
        _harness.Broker.Dispose();
        string catalog = Path.Combine(_harness.Directory, "streams", "streams.json");
        File.Move(catalog, catalog + ".aside");

        var refused = Assert.Throws<Omnibus.Storage.StorageFormatException>(() => _harness.Restart());

        Assert.Contains("streams.json' is missing", refused.Message, StringComparison.Ordinal);
        File.Move(catalog + ".aside", catalog);
        _harness.Restart();
        Assert.Equal(1, _harness.Broker.Streams.Get("events").HighWatermark(0));
    }
}
