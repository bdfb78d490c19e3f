using System.Text;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Messages;

/// <summary>The envelope through a real broker and its file store, restarts included; no front-end.</summary>
public class EnvelopeStorageTests
{
    private static async Task<BrokerMessage> SendRestartReceive(BrokerMessage message)
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        await h.Broker.SendAsync("q", [message]);
        h.Restart();
        return Assert.Single(await h.Receive("q", mode: ReceiveMode.ReceiveAndDelete));
    }

    [Fact]
    public async Task A_message_without_a_body_stays_without_one_and_an_empty_body_stays_empty()
    {
        BrokerMessage tombstone = await SendRestartReceive(new BrokerMessage { HasBody = false, Key = "k1"u8.ToArray() });
        BrokerMessage empty = await SendRestartReceive(new BrokerMessage { Body = ReadOnlyMemory<byte>.Empty });

        Assert.False(tombstone.HasBody);
        Assert.Equal(0, tombstone.Body.Length);
        Assert.True(empty.HasBody);
        Assert.Equal(0, empty.Body.Length);
    }

    [Fact]
    public async Task Key_producer_timestamp_and_canonical_properties_survive_a_restart()
    {
        var produced = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234);
        var sent = new BrokerMessage
        {
            Body = "v"u8.ToArray(), Key = new byte[] { 0, 1, 2 }, ProducerTimestamp = produced, ContentEncoding = "gzip", Priority = 9,
            Durable = true, UserId = "alice"u8.ToArray(), AppId = "billing", DeduplicationId = "d-1",
        };

        BrokerMessage got = await SendRestartReceive(sent);

        Assert.Equal(new byte[] { 0, 1, 2 }, got.Key!.Value.ToArray());
        Assert.Equal(produced, got.ProducerTimestamp);
        Assert.Equal(TimeSpan.FromHours(2), got.ProducerTimestamp!.Value.Offset);
        Assert.NotEqual(got.ProducerTimestamp, got.EnqueuedTime);
        Assert.Equal(("gzip", (byte?)9, (bool?)true, "billing", "d-1"), (got.ContentEncoding, got.Priority, got.Durable, got.AppId, got.DeduplicationId));
        Assert.Equal("alice"u8.ToArray(), got.UserId);
    }

    [Fact]
    public async Task Repeated_header_names_and_nested_values_keep_their_order_and_types()
    {
        var death = new HeaderMap(
        [
            new("queue", "orders"), new("reason", "rejected"), new("count", 2L),
            new("time", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            new("routing-keys", new HeaderArray(["a.b", "c"])),
        ]);
        var sent = new BrokerMessage { Body = "x"u8.ToArray() };
        sent.ApplicationProperties.Add("trace", "first");
        sent.ApplicationProperties.Add("x-death", new HeaderList([death, new HeaderMap([])]));
        sent.ApplicationProperties.Add("trace", "second");
        sent.ApplicationProperties.Add("price", new ScaledDecimal(12345, 2));
        sent.ApplicationProperties.Add("raw", new byte[] { 9 });

        BrokerMessage got = await SendRestartReceive(sent);

        Assert.Equal(["trace", "x-death", "trace", "price", "raw"], got.ApplicationProperties.Names);
        Assert.Equal(["first", "second"], got.ApplicationProperties.GetAll("trace"));
        Assert.Equal("first", got.ApplicationProperties["trace"]);
        var list = Assert.IsType<HeaderList>(got.ApplicationProperties["x-death"]);
        Assert.Equal(death, list[0]);
        Assert.True(((HeaderMap)list[0]!).TryGetValue("count", out object? count));
        Assert.Equal(2L, count);
        Assert.Equal(new ScaledDecimal(12345, 2), got.ApplicationProperties["price"]);
        Assert.Equal(new byte[] { 9 }, got.ApplicationProperties["raw"]);
        Assert.True(EnvelopeAssert.SameHeaders(sent.ApplicationProperties, got.ApplicationProperties));
    }

    [Fact]
    public async Task Delivery_state_is_not_stored_with_the_message_and_each_receive_reports_its_own()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        var sent = new BrokerMessage { Body = "x"u8.ToArray(), Delivery = new DeliveryInfo(Guid.NewGuid(), DateTimeOffset.MaxValue, 7, MessageState.Deferred) };
        await h.Broker.SendAsync("q", [sent]);
        Receivable r = h.Broker.GetReceivable("q");

        BrokerMessage first = Assert.Single(await r.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));
        await r.AbandonAsync(first.Delivery.LockToken);
        h.Restart();
        r = h.Broker.GetReceivable("q");
        BrokerMessage second = Assert.Single(await r.ReceiveAsync(1, TimeSpan.Zero, ReceiveMode.PeekLock));

        Assert.Equal((0, MessageState.Active), (first.Delivery.DeliveryCount, first.Delivery.State));
        Assert.Equal(1, second.Delivery.DeliveryCount);
        Assert.NotEqual(sent.Delivery.LockToken, first.Delivery.LockToken);
        Assert.NotEqual(first.Delivery.LockToken, second.Delivery.LockToken);
        Assert.Equal(default, MessageCodec.Decode(MessageCodec.Encode(sent, null), 0).Delivery);
    }

    private static object? Nested(int depth) => depth == 0 ? "leaf" : new HeaderList([Nested(depth - 1)]);

    [Fact]
    public async Task A_header_nested_deeper_than_the_limit_is_refused_with_a_typed_error_and_nothing_is_stored()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        var deep = new BrokerMessage { Body = "x"u8.ToArray() };
        deep.ApplicationProperties["deep"] = Nested(HeaderValues.MaxDepth + 1);
        var deepNative = new BrokerMessage { Body = "x"u8.ToArray() };
        deepNative.NativeFields["test:deep"] = new HeaderMap([new("k", Nested(HeaderValues.MaxDepth))]);

        var ex = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [deep]));
        var exNative = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [deepNative]));

        Assert.Equal(MessagingErrorCode.InvalidArgument, ex.Code);
        Assert.Contains("deeper than 32", ex.Message, StringComparison.Ordinal);
        Assert.Equal(MessagingErrorCode.InvalidArgument, exNative.Code);
        Assert.Empty(await h.Receive("q"));
    }

    [Fact]
    public async Task A_header_nested_exactly_to_the_limit_is_accepted()
    {
        var sent = new BrokerMessage { Body = "x"u8.ToArray() };
        sent.ApplicationProperties["deep"] = Nested(HeaderValues.MaxDepth);

        BrokerMessage got = await SendRestartReceive(sent);

        Assert.Equal(Nested(HeaderValues.MaxDepth), got.ApplicationProperties["deep"]);
    }

    [Fact]
    public void The_codec_refuses_to_write_a_value_nested_too_deep_with_the_same_typed_error()
    {
        var m = new BrokerMessage();
        m.ApplicationProperties["deep"] = Nested(HeaderValues.MaxDepth + 1);

        var ex = Assert.Throws<MessagingException>(() => MessageCodec.Encode(m, null));

        Assert.Equal(MessagingErrorCode.InvalidArgument, ex.Code);
    }

    [Fact]
    public async Task A_value_of_an_unsupported_type_is_refused_as_an_invalid_argument()
    {
        using var h = new BrokerHarness();
        h.Broker.CreateQueue(new QueueDescription { Name = "q" });
        var m = new BrokerMessage { Body = Encoding.UTF8.GetBytes("x") };
        m.ApplicationProperties["list"] = new HeaderList([new object()]);

        var ex = await Assert.ThrowsAsync<MessagingException>(() => h.Broker.SendAsync("q", [m]));

        Assert.Equal(MessagingErrorCode.InvalidArgument, ex.Code);
        Assert.Contains("Object", ex.Message, StringComparison.Ordinal);
    }
}
