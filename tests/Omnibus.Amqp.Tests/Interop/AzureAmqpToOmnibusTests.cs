using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;
using Az = Microsoft.Azure.Amqp;
using AzEncoding = Microsoft.Azure.Amqp.Encoding;
using AzFraming = Microsoft.Azure.Amqp.Framing;
using AzTransaction = Microsoft.Azure.Amqp.Transaction;
using Omnibus.ServiceBus.Amqp;

namespace Omnibus.Amqp.Tests.Interop;

/// <summary>Bytes written by the Service Bus SDK's own AMQP stack decode correctly here.</summary>
public class AzureAmqpToOmnibusTests
{
    private static T Decode<T>(byte[] bytes)
        where T : struct, IPerformative<T> => Codec.Decode(bytes, (ref AmqpReader r) => T.Decode(ref r));

    [Fact]
    public void Open_begin_and_close_as_the_dotnet_client_sends_them()
    {
        var open = Decode<Open>(AzureAmqp.Encode(new AzFraming.Open
        {
            ContainerId = "client-container",
            HostName = "localhost",
            MaxFrameSize = 65536,
            ChannelMax = 8191,
            IdleTimeOut = 60000,
            DesiredCapabilities = new AzFraming.Multiple<AzEncoding.AmqpSymbol>([new AzEncoding.AmqpSymbol("com.microsoft:websocket")]),
            Properties = new AzFraming.Fields { { new AzEncoding.AmqpSymbol("product"), "MSASB" } },
        }));
        var begin = Decode<Begin>(AzureAmqp.Encode(new AzFraming.Begin { NextOutgoingId = 1, IncomingWindow = 5000, OutgoingWindow = 5000, HandleMax = 255 }));
        var close = Decode<Close>(AzureAmqp.Encode(new AzFraming.Close { Error = new AzFraming.Error { Condition = new AzEncoding.AmqpSymbol("amqp:connection:forced"), Description = "bye" } }));

        Assert.Equal("client-container", open.ContainerId);
        Assert.Equal("localhost", open.Hostname);
        Assert.Equal(65536u, open.MaxFrameSize);
        Assert.Equal((ushort)8191, open.ChannelMax);
        // Microsoft.Azure.Amqp puts half the configured idle time-out on the wire (it heartbeats at half).
        Assert.Equal(30000u, open.IdleTimeOut);
        Assert.Equal("com.microsoft:websocket", open.DesiredCapabilities!.Single().ToString());
        Assert.Equal("MSASB", open.Properties![AmqpSymbol.FromString("product")]);
        Assert.Equal(5000u, begin.IncomingWindow);
        Assert.Equal(255u, begin.HandleMax);
        Assert.Equal("amqp:connection:forced", close.Error!.Condition.ToString());
        Assert.Equal("bye", close.Error.Description);
    }

    [Fact]
    public void Session_receiver_attach_with_session_filter_decodes()
    {
        var filters = new AzFraming.FilterSet
        {
            { new AzEncoding.AmqpSymbol("com.microsoft:session-filter"), new AzEncoding.DescribedType(new AzEncoding.AmqpSymbol("com.microsoft:session-filter"), "session-7") },
        };
        var attach = Decode<Attach>(AzureAmqp.Encode(new AzFraming.Attach
        {
            LinkName = "receiver-1",
            Handle = 2,
            Role = true,
            SndSettleMode = 0,
            RcvSettleMode = 1,
            Source = new AzFraming.Source { Address = "/orders", FilterSet = filters },
            Target = new AzFraming.Target { Address = "receiver-1" },
            MaxMessageSize = 262144,
            Properties = new AzFraming.Fields { { new AzEncoding.AmqpSymbol("com.microsoft:timeout"), 60000u } },
        }));

        Assert.Equal("receiver-1", attach.Name);
        Assert.Equal(2u, attach.Handle);
        Assert.Equal(LinkRole.Receiver, attach.Role);
        Assert.Equal(SenderSettleMode.Unsettled, attach.SndSettleMode);
        Assert.Equal(ReceiverSettleMode.Second, attach.RcvSettleMode);
        Assert.Equal("/orders", attach.Source!.Address);
        var filter = Assert.IsType<AmqpDescribed>(attach.Source.Filter![AmqpSymbol.FromString("com.microsoft:session-filter")]);
        Assert.True(filter.HasDescriptor("com.microsoft:session-filter"u8));
        Assert.Equal("session-7", filter.Value);
        Assert.Equal("receiver-1", Assert.IsType<Target>(attach.Target).Address);
        Assert.Equal(262144ul, attach.MaxMessageSize);
        Assert.Equal(60000u, attach.Properties![AmqpSymbol.FromString("com.microsoft:timeout")]);
    }

    [Fact]
    public void Coordinator_attach_and_transactional_transfer_decode()
    {
        var attach = Decode<Attach>(AzureAmqp.Encode(new AzFraming.Attach
        {
            LinkName = "coordinator",
            Handle = 0,
            Role = false,
            Source = new AzFraming.Source(),
            Target = new AzTransaction.Coordinator(),
        }));
        var lockToken = Guid.NewGuid();
        var transfer = Decode<Transfer>(AzureAmqp.Encode(new AzFraming.Transfer
        {
            Handle = 1,
            DeliveryId = 5,
            DeliveryTag = new ArraySegment<byte>(lockToken.ToByteArray()),
            MessageFormat = 0x80013700,
            Settled = false,
            State = new AzTransaction.TransactionalState { TxnId = new ArraySegment<byte>([1, 2, 3]) },
        }));

        Assert.IsType<Coordinator>(attach.Target);
        Assert.Equal(5u, transfer.DeliveryId);
        Assert.Equal(lockToken, transfer.DeliveryTag!.Value.ToLockToken());
        Assert.Equal(ServiceBusBatch.MessageFormat, transfer.MessageFormat);
        Assert.Equal([1, 2, 3], Assert.IsType<TransactionalState>(transfer.State).TxnId.ToArray());
    }

    [Fact]
    public void Settlement_dispositions_of_the_dotnet_client_decode()
    {
        var complete = Decode<Disposition>(AzureAmqp.Encode(new AzFraming.Disposition { Role = true, First = 3, Settled = false, State = new AzFraming.Accepted() }));
        var deadLetter = Decode<Disposition>(AzureAmqp.Encode(new AzFraming.Disposition
        {
            Role = true,
            First = 4,
            State = new AzFraming.Rejected
            {
                Error = new AzFraming.Error
                {
                    Condition = new AzEncoding.AmqpSymbol("com.microsoft:dead-letter"),
                    Info = new AzFraming.Fields { { new AzEncoding.AmqpSymbol("DeadLetterReason"), "bad" } },
                },
            },
        }));
        var defer = Decode<Disposition>(AzureAmqp.Encode(new AzFraming.Disposition
        {
            Role = true,
            First = 5,
            State = new AzFraming.Modified { UndeliverableHere = true, MessageAnnotations = new AzFraming.Fields { { new AzEncoding.AmqpSymbol("k"), 1 } } },
        }));
        var inTransaction = Decode<Disposition>(AzureAmqp.Encode(new AzFraming.Disposition
        {
            Role = true,
            First = 6,
            State = new AzTransaction.TransactionalState { TxnId = new ArraySegment<byte>([9]), Outcome = new AzFraming.Accepted() },
        }));

        Assert.Same(Accepted.Instance, complete.State);
        var rejected = Assert.IsType<Rejected>(deadLetter.State);
        Assert.Equal("com.microsoft:dead-letter", rejected.Error!.Condition.ToString());
        Assert.Equal("bad", rejected.Error.Info![AmqpSymbol.FromString("DeadLetterReason")]);
        var modified = Assert.IsType<Modified>(defer.State);
        Assert.True(modified.UndeliverableHere);
        Assert.Same(Accepted.Instance, Assert.IsType<TransactionalState>(inTransaction.State).Outcome);
    }

    [Fact]
    public void Declare_and_discharge_bodies_decode()
    {
        var declare = Codec.Decode(AzureAmqp.Encode(new AzTransaction.Declare()), (ref AmqpReader r) => Declare.Decode(ref r));
        var discharge = Codec.Decode(
            AzureAmqp.Encode(new AzTransaction.Discharge { TxnId = new ArraySegment<byte>([4, 2]), Fail = true }),
            (ref AmqpReader r) => Discharge.Decode(ref r));

        Assert.Null(declare.GlobalId);
        Assert.Equal([4, 2], discharge.TxnId.ToArray());
        Assert.True(discharge.Fail);
    }

    [Fact]
    public void Sasl_init_decodes()
    {
        var init = Decode<Omnibus.Amqp.Sasl.SaslInit>(AzureAmqp.Encode(new Az.Sasl.SaslInit
        {
            Mechanism = new AzEncoding.AmqpSymbol("MSSBCBS"),
            InitialResponse = new ArraySegment<byte>([0]),
            HostName = "localhost",
        }));

        Assert.Equal("MSSBCBS", init.Mechanism.ToString());
        Assert.Equal("localhost", init.Hostname);
    }

    [Fact]
    public void Service_bus_message_written_by_the_sdk_stack_decodes_section_by_section()
    {
        var body = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();
        var correlationId = Guid.NewGuid();
        var created = new DateTime(2024, 5, 1, 12, 30, 45, 123, DateTimeKind.Utc);
        var message = Az.AmqpMessage.Create(new AzFraming.Data { Value = new ArraySegment<byte>(body) });
        message.Header.Durable = true;
        message.Header.Ttl = 60000;
        message.Properties.MessageId = "message-1";
        message.Properties.CorrelationId = correlationId;
        message.Properties.To = "orders";
        message.Properties.ReplyTo = "replies";
        message.Properties.Subject = "created";
        message.Properties.ContentType = new AzEncoding.AmqpSymbol("application/json");
        message.Properties.GroupId = "session-1";
        message.Properties.CreationTime = created;
        message.Properties.AbsoluteExpiryTime = created.AddHours(1);
        message.ApplicationProperties.Map["tenant"] = "contoso";
        message.ApplicationProperties.Map["count"] = 42;
        message.ApplicationProperties.Map["big"] = long.MaxValue;
        message.ApplicationProperties.Map["when"] = created;
        message.ApplicationProperties.Map["id"] = correlationId;
        message.MessageAnnotations.Map[new AzEncoding.AmqpSymbol("x-opt-scheduled-enqueue-time")] = created;
        message.MessageAnnotations.Map[new AzEncoding.AmqpSymbol("x-opt-partition-key")] = "pk";

        var decoded = AmqpMessage.Decode(AzureAmqp.EncodeMessage(message));

        Assert.True(decoded.Header!.Durable);
        Assert.Equal(60000u, decoded.Header.Ttl);
        var properties = decoded.Properties!;
        Assert.Equal("message-1", properties.MessageId);
        Assert.Equal(correlationId, properties.CorrelationId);
        Assert.Equal("orders", properties.To);
        Assert.Equal("replies", properties.ReplyTo);
        Assert.Equal("created", properties.Subject);
        Assert.Equal("application/json", properties.ContentType!.ToString());
        Assert.Equal("session-1", properties.GroupId);
        Assert.Equal(new DateTimeOffset(created), properties.CreationTime!.Value.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(created.AddHours(1)), properties.AbsoluteExpiryTime!.Value.ToDateTimeOffset());
        var application = decoded.ApplicationProperties!;
        Assert.Equal("contoso", application["tenant"]);
        Assert.Equal(42, application["count"]);
        Assert.Equal(long.MaxValue, application["big"]);
        Assert.Equal(AmqpTimestamp.FromDateTimeOffset(created), application["when"]);
        Assert.Equal(correlationId, application["id"]);
        Assert.True(decoded.MessageAnnotations!.TryGetValue("x-opt-scheduled-enqueue-time"u8, out var scheduled));
        Assert.Equal(AmqpTimestamp.FromDateTimeOffset(created), scheduled);
        Assert.Equal(Hex.Format(body), Hex.Format(Assert.IsType<DataBody>(decoded.Body).Sections.Single().Span));
    }

    [Fact]
    public void Batch_envelope_built_like_the_sdk_decodes_into_its_messages()
    {
        var inner = Enumerable.Range(0, 3).Select(i =>
        {
            var message = Az.AmqpMessage.Create(new AzFraming.Data { Value = new ArraySegment<byte>([(byte)i]) });
            message.Properties.MessageId = $"m{i}";
            return new AzFraming.Data { Value = new ArraySegment<byte>(AzureAmqp.EncodeMessage(message)) };
        }).ToList();
        var envelope = Az.AmqpMessage.Create(inner);
        envelope.Properties.MessageId = "m0";

        var messages = ServiceBusBatch.Decode(AmqpMessage.Decode(AzureAmqp.EncodeMessage(envelope)));

        Assert.Equal(["m0", "m1", "m2"], messages.Select(m => m.Properties!.MessageId));
        Assert.Equal([2], Assert.IsType<DataBody>(messages[2].Body).Sections[0].ToArray());
    }

    [Fact]
    public void Management_request_body_decodes_with_arrays_and_maps()
    {
        var tokens = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var map = new AzEncoding.AmqpMap
        {
            [new AzEncoding.MapKey("lock-tokens")] = tokens,
            [new AzEncoding.MapKey("sequence-numbers")] = new long[] { 1, 2, 300 },
            [new AzEncoding.MapKey("session-id")] = "s",
        };
        var message = Az.AmqpMessage.Create(new AzFraming.AmqpValue { Value = map });
        message.ApplicationProperties.Map["operation"] = "com.microsoft:renew-lock";

        var decoded = AmqpMessage.Decode(AzureAmqp.EncodeMessage(message));

        var body = Assert.IsType<AmqpMap>(Assert.IsType<ValueBody>(decoded.Body).Value);
        Assert.Equal(tokens, body["lock-tokens"]);
        Assert.Equal(new long[] { 1, 2, 300 }, body["sequence-numbers"]);
        Assert.Equal("com.microsoft:renew-lock", decoded.ApplicationProperties!["operation"]);
    }

    [Fact]
    public void Transfer_frame_written_by_the_sdk_stack_parses_on_every_split()
    {
        var message = Az.AmqpMessage.Create(new AzFraming.Data { Value = new ArraySegment<byte>(new byte[300]) });
        message.Properties.MessageId = "m";
        var payload = AzureAmqp.EncodeMessage(message);
        var transfer = new AzFraming.Transfer { Handle = 1, DeliveryId = 2, DeliveryTag = new ArraySegment<byte>([7]), MessageFormat = 0 };
        using var header = AzFraming.Frame.EncodeCommand(AzFraming.FrameType.Amqp, 4, transfer, payload.Length);
        var bytes = header.Buffer.AsSpan(header.Offset, header.Length).ToArray().Concat(payload).ToArray();

        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var reader = new System.Buffers.SequenceReader<byte>(sequence);
            Assert.True(Omnibus.Amqp.Framing.AmqpFrameReader.TryReadFrame(ref reader, 65536, out var frame, out _));
            var decoded = Omnibus.Amqp.Framing.PerformativeDecoder.Decode<Transfer>(frame.Body, out var body);

            Assert.Equal((ushort)4, frame.Channel);
            Assert.Equal(2u, decoded.DeliveryId);
            Assert.Equal("m", AmqpMessage.Decode(System.Buffers.BuffersExtensions.ToArray(body)).Properties!.MessageId);
        }
    }

    [Fact]
    public void Primitive_values_written_by_the_sdk_stack_decode()
    {
        var cases = new (object Azure, object? Expected)[]
        {
            (true, true), ((byte)7, (byte)7), ((ushort)7, (ushort)7), (0u, 0u), (300u, 300u), (0ul, 0ul), (ulong.MaxValue, ulong.MaxValue),
            ((sbyte)-7, (sbyte)-7), ((short)-7, (short)-7), (-7, -7), (int.MinValue, int.MinValue), (-7L, -7L), (long.MinValue, long.MinValue),
            (1.5f, 1.5f), (2.5d, 2.5d), ('x', new System.Text.Rune('x')), (Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")),
            (new string('s', 300), new string('s', 300)), (new AzEncoding.AmqpSymbol("sym"), AmqpSymbol.FromString("sym")),
            (new ArraySegment<byte>([1, 2]), new ReadOnlyMemory<byte>([1, 2])),
            (new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new AmqpTimestamp(946684800000)),
            (new int[] { 1, 2, 1000 }, new int[] { 1, 2, 1000 }), (new string[] { "a", "b" }, new string[] { "a", "b" }),
        };

        foreach (var (azure, expected) in cases)
        {
            ValueComparer.AssertEqual(expected, Codec.DecodeValue(AzureAmqp.EncodeObject(azure)));
        }
    }
}
