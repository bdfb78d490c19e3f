using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Streams;

namespace Omnibus.Core.Tests.Streams;

/// <summary>A topic's stream: one name is one topic whether it is sent to as a topic or appended to as a stream.</summary>
public sealed class TopicStreamTests : IDisposable
{
    private readonly BrokerHarness _harness = new();

    private Broker Broker => _harness.Broker;

    public void Dispose() => _harness.Dispose();

    private async Task<IReadOnlyList<StreamEntry>> ReadAll(string stream, int partition = 0) =>
        (await Broker.Streams.Get(stream).ReadAsync(new StreamReadRequest { Partition = partition, Offset = 0 })).Entries;

    private static string Header(StreamRecord r, string name) =>
        Encoding.UTF8.GetString(r.Headers.Single(h => h.Name == name).Value!);

    [Fact]
    public async Task A_message_sent_to_a_topic_is_read_from_its_stream_with_its_key_body_properties_and_headers()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "events" });
        BrokerMessage m = BrokerHarness.Message("hello", id: "m-1", properties: new Dictionary<string, object?> { ["color"] = "red", ["count"] = 3, ["raw"] = new byte[] { 0xFF, 0x00 } });
        m.ContentType = "text/plain";
        m.PartitionKey = "customer-7";
        m.ProducerTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        await Broker.SendAsync("events", [m]);

        StreamRecord r = Assert.Single(await ReadAll("events")).Record;
        Assert.Equal("hello", Encoding.UTF8.GetString(r.Value!));
        Assert.Equal("customer-7", Encoding.UTF8.GetString(r.Key!));
        Assert.Equal(1_700_000_000_000, r.Timestamp);
        Assert.Equal("m-1", Header(r, CanonicalHeaders.MessageId));
        Assert.Equal("text/plain", Header(r, CanonicalHeaders.ContentType));
        Assert.Equal("red", Header(r, "color"));
        Assert.Equal("3", Header(r, "count"));
        Assert.Equal([0xFF, 0x00], r.Headers.Single(h => h.Name == "raw").Value);
    }

    [Fact]
    public async Task Records_appended_to_a_topics_stream_reach_its_subscriptions_as_messages()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "events", PartitionCount = 2 });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "red" }, new RuleDescription { Name = "r", Filter = RuleFilterDescription.Sql("color = 'red'") });
        StreamRecord red = new()
        {
            Key = "k"u8.ToArray(),
            Value = "payload"u8.ToArray(),
            Timestamp = 1_700_000_000_000,
            Headers = [new("color", "red"u8.ToArray()), new(CanonicalHeaders.ContentType, "application/json"u8.ToArray()), new("bin", [0xC3, 0x28])],
        };
        StreamRecord blue = red with { Headers = [new("color", "blue"u8.ToArray())] };

        long offset = await Broker.AppendToTopicStreamAsync("events", 1, [red, blue]);

        Assert.Equal(0, offset);
        Assert.Equal(2, (await ReadAll("events", 1)).Count);
        BrokerMessage got = Assert.Single(await _harness.Receive("events/Subscriptions/red", mode: ReceiveMode.ReceiveAndDelete));
        Assert.Equal("payload", BrokerHarness.Text(got));
        Assert.Equal("k", Encoding.UTF8.GetString(got.Key!.Value.Span));
        Assert.Equal("application/json", got.ContentType);
        Assert.Equal("red", got.ApplicationProperties["color"]);
        Assert.Equal(new byte[] { 0xC3, 0x28 }, got.ApplicationProperties["bin"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), got.ProducerTimestamp);
    }

    [Fact]
    public async Task A_tombstone_reaches_subscriptions_as_a_message_without_a_body()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "events" });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "all" });

        await Broker.AppendToTopicStreamAsync("events", 0, [new StreamRecord { Key = "gone"u8.ToArray() }]);

        BrokerMessage got = Assert.Single(await _harness.Receive("events/Subscriptions/all", mode: ReceiveMode.ReceiveAndDelete));
        Assert.False(got.HasBody);
    }

    [Fact]
    public async Task A_message_sent_to_the_topic_is_not_appended_twice_and_a_record_appended_is_not_sent_back_to_the_stream()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "events" });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "all" });

        await Broker.AppendToTopicStreamAsync("events", 0, [new StreamRecord { Value = "from-stream"u8.ToArray() }]);
        await _harness.Send("events", "from-topic");

        Assert.Equal(["from-stream", "from-topic"], (await ReadAll("events")).Select(e => Encoding.UTF8.GetString(e.Record.Value!)));
        Assert.Equal(2, (await _harness.Receive("events/Subscriptions/all", mode: ReceiveMode.ReceiveAndDelete)).Count);
    }

    [Fact]
    public async Task Keyed_messages_sent_to_the_topic_land_in_the_partition_kafkas_producer_would_choose()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "events", PartitionCount = 4 });
        BrokerMessage m = BrokerHarness.Message("x");
        m.Key = "foobar"u8.ToArray();

        await Broker.SendAsync("events", [m]);

        int expected = (-790332482 & 0x7fffffff) % 4;
        Assert.Single(await ReadAll("events", expected));
    }

    [Fact]
    public void A_stream_makes_its_topic_a_queue_refuses_the_name_and_a_topic_keeps_its_subscriptions()
    {
        Broker.CreateQueue(new QueueDescription { Name = "orders" });
        Broker.CreateTopic(new TopicDescription { Name = "events" });
        Broker.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "audit" });

        MessagingException refused = Assert.Throws<MessagingException>(() => Broker.CreateTopicStream(new StreamDefinition { Name = "orders" }));
        Broker.CreateTopicStream(new StreamDefinition { Name = "events" });
        Broker.CreateTopicStream(new StreamDefinition { Name = "payments" });

        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, refused.Code);
        Assert.Null(Broker.Streams.Find("orders"));
        Assert.Equal(["audit"], Broker.ListSubscriptions("events").Select(s => s.Name));
        Assert.True(Broker.TopicExists("payments"));
        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, Assert.Throws<MessagingException>(() => Broker.CreateQueue(new QueueDescription { Name = "payments" })).Code);
    }

    [Fact]
    public async Task Deleting_the_topic_deletes_its_stream_and_deleting_the_stream_deletes_the_topic()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "a" });
        Broker.CreateTopicStream(new StreamDefinition { Name = "b" });

        Broker.DeleteTopic("a");
        await Broker.DeleteTopicStreamAsync("b");

        Assert.Null(Broker.Streams.Find("a"));
        Assert.Null(Broker.Streams.Find("b"));
        Assert.False(Broker.TopicExists("b"));
        Broker.CreateTopicStream(new StreamDefinition { Name = "a" });
        Assert.NotNull(Broker.Streams.Find("a"));
    }

    [Fact]
    public async Task A_topics_stream_and_its_link_survive_a_restart()
    {
        Broker.CreateTopicStream(new StreamDefinition { Name = "events" });
        await _harness.Send("events", "before");

        _harness.Restart();
        await _harness.Send("events", "after");

        Assert.Equal(["before", "after"], (await ReadAll("events")).Select(e => Encoding.UTF8.GetString(e.Record.Value!)));
    }

    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void The_key_hash_is_kafkas_murmur2(string key, int expected) =>
        Assert.Equal(expected, KeyPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));
}
