using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;
using Az = Microsoft.Azure.Amqp;
using AzEncoding = Microsoft.Azure.Amqp.Encoding;
using AzFraming = Microsoft.Azure.Amqp.Framing;
using AzTransaction = Microsoft.Azure.Amqp.Transaction;

namespace Omnibus.Amqp.Tests.Interop;

/// <summary>What the broker writes, the Service Bus SDK's own AMQP stack reads back field for field.</summary>
public class OmnibusToAzureAmqpTests
{
    private static byte[] Encode<T>(T performative)
        where T : struct, IPerformative<T> => Codec.Encode((ref AmqpWriter w) => performative.Encode(ref w));

    [Fact]
    public void Sasl_exchange_of_the_broker_decodes()
    {
        var mechanisms = AzureAmqp.Decode<Az.Sasl.SaslMechanisms>(Encode(new SaslMechanisms([AmqpSymbol.FromString("MSSBCBS"), AmqpSymbol.FromString("ANONYMOUS")])));
        var single = AzureAmqp.Decode<Az.Sasl.SaslMechanisms>(Encode(new SaslMechanisms([AmqpSymbol.FromString("ANONYMOUS")])));
        var outcome = AzureAmqp.Decode<Az.Sasl.SaslOutcome>(Encode(new SaslOutcome(SaslCode.Ok)));

        Assert.True(mechanisms.SaslServerMechanisms.Contains(new AzEncoding.AmqpSymbol("MSSBCBS")));
        Assert.True(mechanisms.SaslServerMechanisms.Contains(new AzEncoding.AmqpSymbol("ANONYMOUS")));
        Assert.True(single.SaslServerMechanisms.Contains(new AzEncoding.AmqpSymbol("ANONYMOUS")));
        Assert.Equal(Az.Sasl.SaslCode.Ok, outcome.OutcomeCode);
    }

    [Fact]
    public void Open_begin_end_and_close_of_the_broker_decode()
    {
        var open = AzureAmqp.Decode<AzFraming.Open>(Encode(new Open("omnibus") { MaxFrameSize = 262144, ChannelMax = 4999, IdleTimeOut = 120000, OfferedCapabilities = [AmqpSymbol.FromString("ANONYMOUS-RELAY")] }));
        var begin = AzureAmqp.Decode<AzFraming.Begin>(Encode(new Begin { RemoteChannel = 3, NextOutgoingId = 1, IncomingWindow = 5000, OutgoingWindow = 5000, HandleMax = 255 }));
        var end = AzureAmqp.Decode<AzFraming.End>(Encode(new End(null)));
        var close = AzureAmqp.Decode<AzFraming.Close>(Encode(new Close(new AmqpError(AmqpSymbol.FromString("amqp:decode-error"), "bad frame"))));

        Assert.Equal("omnibus", open.ContainerId);
        Assert.Equal(262144u, open.MaxFrameSize);
        Assert.Equal((ushort)4999, open.ChannelMax);
        Assert.True(open.IdleTimeOut > 0);
        Assert.True(open.OfferedCapabilities.Contains(new AzEncoding.AmqpSymbol("ANONYMOUS-RELAY")));
        Assert.Equal((ushort)3, begin.RemoteChannel);
        Assert.Equal(255u, begin.HandleMax);
        Assert.Null(end.Error);
        Assert.Equal("amqp:decode-error", close.Error.Condition.Value);
        Assert.Equal("bad frame", close.Error.Description);
    }

    [Fact]
    public void Session_receiver_attach_reply_decodes_with_filter_and_locked_until()
    {
        var lockedUntil = DateTime.UtcNow.Ticks;
        var attach = AzureAmqp.Decode<AzFraming.Attach>(Encode(new Attach
        {
            Name = "receiver-1",
            Handle = 0,
            Role = LinkRole.Sender,
            SndSettleMode = SenderSettleMode.Unsettled,
            RcvSettleMode = ReceiverSettleMode.Second,
            Source = new Source
            {
                Address = "orders",
                Filter = new AmqpMap { { AmqpSymbol.FromString("com.microsoft:session-filter"), new AmqpDescribed(AmqpSymbol.FromString("com.microsoft:session-filter"), "session-7") } },
            },
            Target = new Target { Address = "receiver-1" },
            InitialDeliveryCount = 0,
            MaxMessageSize = 262144,
            Properties = new AmqpMap { { AmqpSymbol.FromString("com.microsoft:locked-until-utc"), lockedUntil } },
        }));

        Assert.Equal("receiver-1", attach.LinkName);
        Assert.False(attach.Role);
        Assert.Equal((byte)1, attach.RcvSettleMode);
        Assert.Equal(0u, attach.InitialDeliveryCount);
        Assert.Equal(262144ul, attach.MaxMessageSize);
        var source = Assert.IsType<AzFraming.Source>(attach.Source);
        Assert.Equal("orders", source.Address.ToString());
        Assert.True(source.FilterSet.TryGetValue(new AzEncoding.AmqpSymbol("com.microsoft:session-filter"), out AzEncoding.DescribedType filter));
        Assert.Equal("session-7", filter.Value);
        Assert.True(attach.Properties.TryGetValue(new AzEncoding.AmqpSymbol("com.microsoft:locked-until-utc"), out long until));
        Assert.Equal(lockedUntil, until);
        Assert.IsType<AzFraming.Target>(attach.Target);
    }

    [Fact]
    public void Coordinator_attach_reply_and_declared_outcome_decode()
    {
        var attach = AzureAmqp.Decode<AzFraming.Attach>(Encode(new Attach { Name = "txn", Handle = 1, Role = LinkRole.Receiver, Source = new Source(), Target = new Coordinator() }));
        var declared = AzureAmqp.Decode<AzFraming.Disposition>(Encode(new Disposition { Role = LinkRole.Receiver, First = 0, Settled = true, State = new Declared(new byte[] { 1, 2, 3, 4 }) }));
        var rollback = AzureAmqp.Decode<AzFraming.Disposition>(Encode(new Disposition
        {
            Role = LinkRole.Receiver,
            First = 1,
            Settled = true,
            State = new Rejected(new AmqpError(AmqpSymbol.FromString("amqp:transaction:rollback"))),
        }));

        Assert.IsType<AzTransaction.Coordinator>(attach.Target);
        Assert.Equal([1, 2, 3, 4], Assert.IsType<AzTransaction.Declared>(declared.State).TxnId.ToArray());
        Assert.Equal("amqp:transaction:rollback", Assert.IsType<AzFraming.Rejected>(rollback.State).Error.Condition.Value);
    }

    [Fact]
    public void Flow_with_drain_and_settled_disposition_decode()
    {
        var flow = AzureAmqp.Decode<AzFraming.Flow>(Encode(new Flow { NextIncomingId = 10, IncomingWindow = 5000, NextOutgoingId = 20, OutgoingWindow = 5000, Handle = 1, DeliveryCount = 7, LinkCredit = 0, Drain = true }));
        var disposition = AzureAmqp.Decode<AzFraming.Disposition>(Encode(new Disposition
        {
            Role = LinkRole.Sender,
            First = 4,
            Last = 9,
            Settled = true,
            State = new TransactionalState(new byte[] { 5 }, Accepted.Instance),
        }));

        Assert.Equal(7u, flow.DeliveryCount);
        Assert.Equal(0u, flow.LinkCredit);
        Assert.True(flow.Drain);
        Assert.False(disposition.Role);
        Assert.Equal(9u, disposition.Last);
        Assert.True(disposition.Settled);
        Assert.IsType<AzFraming.Accepted>(Assert.IsType<AzTransaction.TransactionalState>(disposition.State).Outcome);
    }

    [Fact]
    public void Transfer_frame_and_delivered_message_decode_in_the_sdk_stack()
    {
        var lockToken = Guid.NewGuid();
        var message = MessageSamples.ServiceBusMessage();
        var payload = message.ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        AmqpFrameWriter.WriteFrame(buffer, 2, new Transfer { Handle = 1, DeliveryId = 3, DeliveryTag = DeliveryTag.FromLockToken(lockToken), MessageFormat = 0 }, payload);

        using var frame = new AzFraming.Frame();
        var frameBytes = buffer.WrittenSpan.ToArray();
        frame.Decode(new Az.ByteBuffer(frameBytes, 0, frameBytes.Length));
        var transfer = Assert.IsType<AzFraming.Transfer>(frame.Command);
        var received = AzureAmqp.DecodeMessage(frame.Payload.ToArray());

        Assert.Equal((ushort)2, frame.Channel);
        Assert.Equal(3u, transfer.DeliveryId);
        Assert.Equal(lockToken, new Guid(transfer.DeliveryTag.ToArray()));
        Assert.Equal("order-42", received.Properties.MessageId.ToString());
        Assert.Equal("session-1", received.Properties.GroupId);
        Assert.Equal("application/json", received.Properties.ContentType.Value);
        Assert.Equal("contoso", received.ApplicationProperties.Map["tenant"]);
        Assert.Equal(5, received.ApplicationProperties.Map["priority"]);
        Assert.Equal(1234567L, received.MessageAnnotations.Map[new AzEncoding.MapKey(new AzEncoding.AmqpSymbol("x-opt-sequence-number"))]);
        Assert.Equal(0, received.MessageAnnotations.Map[new AzEncoding.MapKey(new AzEncoding.AmqpSymbol("x-opt-message-state"))]);
        Assert.Equal(
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000).UtcDateTime,
            received.MessageAnnotations.Map[new AzEncoding.MapKey(new AzEncoding.AmqpSymbol("x-opt-enqueued-time"))]);
        Assert.Equal(1024, ((ArraySegment<byte>)received.DataBody.Single().Value).Count);
    }

    [Fact]
    public void Management_reply_with_int_status_and_typed_arrays_decodes()
    {
        var expirations = new[] { new AmqpTimestamp(1_700_000_000_000), new AmqpTimestamp(1_700_000_001_000) };
        var reply = new AmqpMessage
        {
            Properties = new MessageProperties { CorrelationId = "request-1" },
            ApplicationProperties = new AmqpMap { { "statusCode", 200 }, { "statusDescription", "OK" } },
            Body = new ValueBody(new AmqpMap
            {
                { "expirations", expirations },
                { "sequence-numbers", new long[] { 1, 2 } },
                { "messages", new List<object?> { new AmqpMap { { "message", new byte[] { 1, 2 } }, { "lock-token", Guid.Empty } } } },
            }),
        };

        var received = AzureAmqp.DecodeMessage(reply.ToArray());

        Assert.Equal(200, received.ApplicationProperties.Map["statusCode"]);
        var body = Assert.IsType<AzEncoding.AmqpMap>(received.ValueBody.Value);
        Assert.Equal(
            expirations.Select(e => e.ToDateTimeOffset().UtcDateTime).ToArray(),
            Assert.IsType<DateTime[]>(body[new AzEncoding.MapKey("expirations")]));
        Assert.Equal(new long[] { 1, 2 }, body[new AzEncoding.MapKey("sequence-numbers")]);
        var messages = Assert.IsAssignableFrom<System.Collections.IList>(body[new AzEncoding.MapKey("messages")]);
        var first = Assert.IsType<AzEncoding.AmqpMap>(messages[0]);
        Assert.Equal([1, 2], ((ArraySegment<byte>)first[new AzEncoding.MapKey("message")]!).ToArray());
        Assert.Equal(Guid.Empty, first[new AzEncoding.MapKey("lock-token")]);
    }

    [Fact]
    public void Every_value_type_the_broker_writes_decodes_in_the_sdk_stack()
    {
        var cases = new (object? Omnibus, object? Azure)[]
        {
            (null, null), (true, true), ((byte)7, (byte)7), ((ushort)7, (ushort)7), (0u, 0u), (7u, 7u), (300u, 300u),
            (0ul, 0ul), (7ul, 7ul), (ulong.MaxValue, ulong.MaxValue), ((sbyte)-7, (sbyte)-7), ((short)-7, (short)-7),
            (-7, -7), (int.MaxValue, int.MaxValue), (-7L, -7L), (long.MaxValue, long.MaxValue), (1.5f, 1.5f), (2.5d, 2.5d),
            (Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")),
            ("é", "é"), (new string('s', 300), new string('s', 300)),
            (new AmqpTimestamp(946684800000), new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        };

        foreach (var (omnibus, azure) in cases)
        {
            Assert.Equal(azure, AzureAmqp.DecodeObject(Codec.EncodeValue(omnibus)));
        }

        Assert.Equal("sym", ((AzEncoding.AmqpSymbol)AzureAmqp.DecodeObject(Codec.EncodeValue(AmqpSymbol.FromString("sym")))!).Value);
        Assert.Equal([1, 2], ((ArraySegment<byte>)AzureAmqp.DecodeObject(Codec.EncodeValue(new byte[] { 1, 2 }))!).ToArray());
        Assert.Equal(new[] { "a", "b" }, AzureAmqp.DecodeObject(Codec.EncodeValue(new[] { "a", "b" })));
        Assert.Equal(new[] { 1, 1000 }, AzureAmqp.DecodeObject(Codec.EncodeValue(new[] { 1, 1000 })));
        Assert.Equal(new[] { 1, 2 }, AzureAmqp.DecodeObject(Codec.EncodeValue(new[] { 1, 2 })));
        Assert.Equal(new[] { 1L, 2L }, AzureAmqp.DecodeObject(Codec.EncodeValue(new[] { 1L, 2L })));
        Assert.Equal(new[] { 0u, 5u }, AzureAmqp.DecodeObject(Codec.EncodeValue(new[] { 0u, 5u })));
        Assert.Equal(new List<object?> { 1, "x" }, Assert.IsAssignableFrom<System.Collections.IList>(AzureAmqp.DecodeObject(Codec.EncodeValue(new List<object?> { 1, "x" }))).Cast<object?>().ToList());
    }
}
