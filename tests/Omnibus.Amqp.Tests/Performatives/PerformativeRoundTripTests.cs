using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;
using Omnibus.ServiceBus.Amqp;

namespace Omnibus.Amqp.Tests.Performatives;

public class PerformativeRoundTripTests
{
    private static readonly AmqpSymbol[] Capabilities = [AmqpSymbol.FromString("com.microsoft:session-filter"), AmqpSymbol.FromString("x")];
    private static readonly AmqpMap Properties = new() { { AmqpSymbol.FromString("com.microsoft:timeout"), 60_000u } };

    /// <summary>Encode, decode, and encode again: the bytes must match, so no field was lost on the way.</summary>
    private static T RoundTrip<T>(T performative)
        where T : struct, IPerformative<T>
    {
        var encoded = Codec.Encode((ref AmqpWriter w) => performative.Encode(ref w));
        var decoded = Codec.Decode(encoded, (ref AmqpReader r) => T.Decode(ref r));
        var reencoded = Codec.Encode((ref AmqpWriter w) => decoded.Encode(ref w));
        Assert.Equal(Hex.Format(encoded), Hex.Format(reencoded));
        Assert.Equal(T.DescriptorCode, new AmqpReader(encoded).PeekDescriptorCode());
        return decoded;
    }

    [Fact]
    public void Open_with_only_a_container_id_matches_the_spec_bytes()
    {
        // described(smallulong 0x10, list8 size 3 count 1 [str8 ""]).
        var encoded = Codec.Encode((ref AmqpWriter w) => new Open(string.Empty).Encode(ref w));

        Assert.Equal("005310c00301a100", Hex.Format(encoded));
    }

    [Fact]
    public void Open_round_trips_every_field()
    {
        var open = RoundTrip(new Open("container-1")
        {
            Hostname = "localhost",
            MaxFrameSize = 65536,
            ChannelMax = 8191,
            IdleTimeOut = 60_000,
            OutgoingLocales = [AmqpSymbol.FromString("en-US")],
            IncomingLocales = [AmqpSymbol.FromString("en-US")],
            OfferedCapabilities = Capabilities,
            DesiredCapabilities = Capabilities,
            Properties = new AmqpMap { { AmqpSymbol.FromString("product"), "Omnibus" } },
        });

        Assert.Equal("container-1", open.ContainerId);
        Assert.Equal("localhost", open.Hostname);
        Assert.Equal(65536u, open.MaxFrameSize);
        Assert.Equal((ushort)8191, open.ChannelMax);
        Assert.Equal(60_000u, open.IdleTimeOut);
        Assert.Equal(Capabilities, open.OfferedCapabilities);
        Assert.Equal("Omnibus", open.Properties![AmqpSymbol.FromString("product")]);
    }

    [Fact]
    public void Begin_round_trips_every_field()
    {
        var begin = RoundTrip(new Begin
        {
            RemoteChannel = 7,
            NextOutgoingId = 1,
            IncomingWindow = 5000,
            OutgoingWindow = uint.MaxValue,
            HandleMax = 255,
            OfferedCapabilities = Capabilities,
            DesiredCapabilities = Capabilities,
            Properties = Properties,
        });

        Assert.Equal((ushort)7, begin.RemoteChannel);
        Assert.Equal(5000u, begin.IncomingWindow);
        Assert.Equal(uint.MaxValue, begin.OutgoingWindow);
        Assert.Equal(255u, begin.HandleMax);
    }

    [Fact]
    public void Attach_round_trips_source_with_filters_target_and_unsettled_map()
    {
        var attach = RoundTrip(new Attach
        {
            Name = "receiver-link",
            Handle = 3,
            Role = LinkRole.Receiver,
            SndSettleMode = SenderSettleMode.Unsettled,
            RcvSettleMode = ReceiverSettleMode.Second,
            Source = new Source
            {
                Address = "queue/Subscriptions/s1",
                Durable = TerminusDurability.UnsettledState,
                ExpiryPolicy = AmqpSymbol.FromString("link-detach"),
                Timeout = 30,
                Dynamic = true,
                DynamicNodeProperties = Properties,
                DistributionMode = AmqpSymbol.FromString("move"),
                Filter = new AmqpMap
                {
                    { AmqpSymbol.FromString("com.microsoft:session-filter"), new AmqpDescribed(0x00000137000000Cul, "session-1") },
                    { AmqpSymbol.FromString("selector"), new AmqpDescribed(AmqpSymbol.FromString("apache.org:selector-filter:string"), "a = 1") },
                },
                DefaultOutcome = new Modified(true, false, Properties),
                Outcomes = [AmqpSymbol.FromString("amqp:accepted:list"), AmqpSymbol.FromString("amqp:rejected:list")],
                Capabilities = Capabilities,
            },
            Target = new Target
            {
                Address = "queue",
                Durable = TerminusDurability.Configuration,
                ExpiryPolicy = AmqpSymbol.FromString("never"),
                Timeout = 5,
                Dynamic = true,
                DynamicNodeProperties = Properties,
                Capabilities = Capabilities,
            },
            Unsettled = new AmqpMap { { new ReadOnlyMemory<byte>([1, 2, 3]), Accepted.Instance } },
            IncompleteUnsettled = true,
            InitialDeliveryCount = 0,
            MaxMessageSize = 262144,
            OfferedCapabilities = Capabilities,
            DesiredCapabilities = Capabilities,
            Properties = new AmqpMap { { AmqpSymbol.FromString("com.microsoft:locked-until-utc"), 638_000_000_000_000_000L } },
        });

        Assert.Equal("receiver-link", attach.Name);
        Assert.Equal(LinkRole.Receiver, attach.Role);
        Assert.Equal(ReceiverSettleMode.Second, attach.RcvSettleMode);
        Assert.Equal("queue/Subscriptions/s1", attach.Source!.Address);
        Assert.True(attach.Source.Dynamic);
        var sessionFilter = Assert.IsType<AmqpDescribed>(attach.Source.Filter![AmqpSymbol.FromString("com.microsoft:session-filter")]);
        Assert.Equal("session-1", sessionFilter.Value);
        Assert.True(sessionFilter.HasDescriptor(0x00000137000000Cul));
        Assert.Equal(new Modified(true, false, attach.Source.DefaultOutcome is Modified m ? m.MessageAnnotations : null), attach.Source.DefaultOutcome);
        Assert.Equal("queue", Assert.IsType<Target>(attach.Target).Address);
        Assert.True(attach.IncompleteUnsettled);
        Assert.Equal(0u, attach.InitialDeliveryCount);
        Assert.Equal(262144ul, attach.MaxMessageSize);
        Assert.Equal(638_000_000_000_000_000L, attach.Properties![AmqpSymbol.FromString("com.microsoft:locked-until-utc")]);
    }

    [Fact]
    public void Attach_with_a_null_source_and_a_coordinator_target_round_trips()
    {
        var attach = RoundTrip(new Attach
        {
            Name = "coordinator",
            Handle = 0,
            Role = LinkRole.Sender,
            Target = new Coordinator([AmqpSymbol.FromString("amqp:local-transactions")]),
        });

        Assert.Null(attach.Source);
        var coordinator = Assert.IsType<Coordinator>(attach.Target);
        Assert.Equal("amqp:local-transactions", coordinator.Capabilities!.Single().ToString());
    }

    [Fact]
    public void Flow_round_trips_every_field()
    {
        var flow = RoundTrip(new Flow
        {
            NextIncomingId = 10,
            IncomingWindow = 2048,
            NextOutgoingId = 11,
            OutgoingWindow = 2048,
            Handle = 1,
            DeliveryCount = 100,
            LinkCredit = 300,
            Available = 0,
            Drain = true,
            Echo = true,
            Properties = Properties,
        });

        Assert.Equal(10u, flow.NextIncomingId);
        Assert.Equal(300u, flow.LinkCredit);
        Assert.True(flow.Drain);
        Assert.True(flow.Echo);
    }

    [Fact]
    public void Session_flow_without_link_fields_stops_after_outgoing_window()
    {
        var encoded = Codec.Encode((ref AmqpWriter w) => new Flow { IncomingWindow = 1, NextOutgoingId = 2, OutgoingWindow = 3 }.Encode(ref w));

        // next-incoming-id null, then three smalluints: count 4.
        Assert.Equal("005313c00804405201520252 03".Replace(" ", "", StringComparison.Ordinal), Hex.Format(encoded));
    }

    [Fact]
    public void Transfer_round_trips_every_field()
    {
        var lockToken = Guid.NewGuid();
        var transfer = RoundTrip(new Transfer
        {
            Handle = 1,
            DeliveryId = 99,
            DeliveryTag = DeliveryTag.FromLockToken(lockToken),
            MessageFormat = ServiceBusBatch.MessageFormat,
            Settled = false,
            More = true,
            RcvSettleMode = ReceiverSettleMode.Second,
            State = new TransactionalState(new byte[] { 1, 2, 3, 4 }, Accepted.Instance),
            Resume = true,
            Aborted = true,
            Batchable = true,
        });

        Assert.Equal(99u, transfer.DeliveryId);
        Assert.Equal(lockToken, transfer.DeliveryTag!.Value.ToLockToken());
        Assert.Equal(ServiceBusBatch.MessageFormat, transfer.MessageFormat);
        Assert.False(transfer.Settled);
        Assert.True(transfer.More && transfer.Resume && transfer.Aborted && transfer.Batchable);
        var state = Assert.IsType<TransactionalState>(transfer.State);
        Assert.Equal([1, 2, 3, 4], state.TxnId.ToArray());
        Assert.Same(Accepted.Instance, state.Outcome);
    }

    [Fact]
    public void Transfer_with_a_tag_longer_than_32_bytes_is_a_decode_error()
    {
        var encoded = Codec.Encode((ref AmqpWriter w) =>
        {
            var fields = w.BeginFieldList(DescriptorCodes.Transfer);
            w.WriteUIntField(ref fields, 0);
            w.WriteUIntField(ref fields, 0);
            w.WriteBinary(new byte[33]);
            w.EndField(ref fields, true);
            w.EndFieldList(ref fields);
        });

        Assert.Throws<AmqpDecodeException>(() => Codec.Decode(encoded, (ref AmqpReader r) => Transfer.Decode(ref r)));
    }

    [Fact]
    public void Disposition_round_trips_every_delivery_state()
    {
        DeliveryState[] states =
        [
            Accepted.Instance,
            Released.Instance,
            new Received(2, 1024),
            new Rejected(new AmqpError(AmqpSymbol.FromString("com.microsoft:dead-letter"), "why", new AmqpMap { { "DeadLetterReason", "r" } })),
            new Rejected(),
            new Modified(),
            new Modified(DeliveryFailed: true, UndeliverableHere: true, MessageAnnotations: new AmqpMap { { "key", 1 } }),
            new Declared(new byte[] { 7 }),
            new TransactionalState(new byte[] { 9 }),
            new TransactionalState(new byte[] { 9 }, new Rejected(new AmqpError(AmqpSymbol.FromString("amqp:transaction:rollback")))),
        ];

        foreach (var state in states)
        {
            var disposition = RoundTrip(new Disposition { Role = LinkRole.Receiver, First = 5, Last = 10, Settled = true, State = state, Batchable = true });

            Assert.Equal(state.GetType(), disposition.State!.GetType());
            Assert.Equal(5u, disposition.First);
            Assert.Equal(10u, disposition.Last);
            Assert.True(disposition.Settled);
        }
    }

    [Fact]
    public void Detach_end_and_close_round_trip_with_and_without_errors()
    {
        var error = new AmqpError(AmqpSymbol.FromString("amqp:not-found"), "The messaging entity 'sb://localhost/q' could not be found.", Properties);

        var detach = RoundTrip(new Detach { Handle = 4, Closed = true, Error = error });
        Assert.Equal(4u, detach.Handle);
        Assert.True(detach.Closed);
        Assert.Equal("amqp:not-found", detach.Error!.Condition.ToString());
        Assert.Equal(error.Description, detach.Error.Description);

        Assert.Equal(error.Condition, RoundTrip(new End(error)).Error!.Condition);
        Assert.Null(RoundTrip(new End(null)).Error);
        Assert.Equal(error.Description, RoundTrip(new Close(error)).Error!.Description);
        Assert.Null(RoundTrip(new Close(null)).Error);
    }

    [Fact]
    public void Empty_close_is_a_described_list0()
    {
        Assert.Equal("00531845", Hex.Format(Codec.Encode((ref AmqpWriter w) => new Close(null).Encode(ref w))));
    }

    [Fact]
    public void Sasl_frames_round_trip()
    {
        var mechanisms = RoundTrip(new SaslMechanisms([AmqpSymbol.FromString("MSSBCBS"), AmqpSymbol.FromString("ANONYMOUS")]));
        Assert.Equal(["MSSBCBS", "ANONYMOUS"], mechanisms.ServerMechanisms.Select(m => m.ToString()));

        var init = RoundTrip(new SaslInit(AmqpSymbol.FromString("PLAIN"), new byte[] { 0, 117, 0, 112 }, "localhost"));
        Assert.Equal("PLAIN", init.Mechanism.ToString());
        Assert.Equal([0, 117, 0, 112], init.InitialResponse!.Value.ToArray());
        Assert.Equal("localhost", init.Hostname);

        Assert.Equal([1], RoundTrip(new SaslChallenge(new byte[] { 1 })).Challenge.ToArray());
        Assert.Equal([2], RoundTrip(new SaslResponse(new byte[] { 2 })).Response.ToArray());

        var outcome = RoundTrip(new SaslOutcome(SaslCode.Auth, new byte[] { 3 }));
        Assert.Equal(SaslCode.Auth, outcome.Code);
        Assert.Equal(SaslCode.Ok, RoundTrip(new SaslOutcome(SaslCode.Ok)).Code);
    }

    [Fact]
    public void Declare_and_discharge_round_trip_as_coordinator_message_bodies()
    {
        var declare = Codec.Decode(Codec.Encode(new Declare()), (ref AmqpReader r) => Declare.Decode(ref r));
        Assert.Null(declare.GlobalId);

        var discharge = Codec.Decode(Codec.Encode(new Discharge(new byte[] { 1, 2 }, Fail: true)), (ref AmqpReader r) => Discharge.Decode(ref r));
        Assert.Equal([1, 2], discharge.TxnId.ToArray());
        Assert.True(discharge.Fail);

        // Inside a message, as the .NET SDK sends it: an amqp-value holding the described list.
        var message = new AmqpMessage { Body = new ValueBody(new Declare()) };
        var body = Assert.IsType<ValueBody>(AmqpMessage.Decode(message.ToArray()).Body);
        Assert.True(Assert.IsType<AmqpDescribed>(body.Value).HasDescriptor(DescriptorCodes.Declare));
    }

    [Fact]
    public void Symbolic_descriptors_decode_like_numeric_ones()
    {
        // described(sym8 "amqp:flow:list", list8 [uint0, smalluint 5, uint0, uint0]).
        var bytes = Hex.Parse("00 a3 0e 616d71703a666c6f773a6c697374 c0 06 04 43 52 05 43 43");

        var flow = Codec.Decode(bytes, (ref AmqpReader r) => Flow.Decode(ref r));

        Assert.Equal(5u, flow.IncomingWindow);
    }

    [Fact]
    public void Fields_appended_by_a_newer_peer_are_skipped()
    {
        // end with [null error, an extra int field].
        var bytes = Hex.Parse("005317 c0 04 02 40 54 07");

        Assert.Null(Codec.Decode(bytes, (ref AmqpReader r) => End.Decode(ref r)).Error);
    }

    [Fact]
    public void Missing_mandatory_fields_and_wrong_descriptors_are_decode_errors()
    {
        var transferWithoutHandle = Hex.Parse("005314 45");
        var flowInsteadOfTransfer = Codec.Encode((ref AmqpWriter w) => new Flow().Encode(ref w));
        var errorWithoutCondition = Hex.Parse("00531d 45");

        Assert.Throws<AmqpDecodeException>(() => Codec.Decode(transferWithoutHandle, (ref AmqpReader r) => Transfer.Decode(ref r)));
        Assert.Throws<AmqpDecodeException>(() => Codec.Decode(flowInsteadOfTransfer, (ref AmqpReader r) => Transfer.Decode(ref r)));
        Assert.Throws<AmqpDecodeException>(() => Codec.Decode(errorWithoutCondition, (ref AmqpReader r) => AmqpError.Decode(ref r)));
    }

    [Fact]
    public void Decoded_error_conditions_are_the_interned_instances()
    {
        var encoded = Codec.Encode(new AmqpError(AmqpSymbol.FromString("com.microsoft:message-lock-lost")));

        var error = Codec.Decode(encoded, (ref AmqpReader r) => AmqpError.Decode(ref r));

        Assert.Same(ErrorConditions.MessageLockLost, error.Condition);
        Assert.Equal("amqp:link:message-size-exceeded", ErrorConditions.MessageSizeExceeded.ToString());
    }

    [Fact]
    public void Delivery_tag_keeps_lock_tokens_in_dotnet_guid_byte_order()
    {
        var lockToken = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

        var tag = DeliveryTag.FromLockToken(lockToken);

        Assert.Equal("33221100554477668899aabbccddeeff", Hex.Format(tag.Span));
        Assert.Equal(lockToken, tag.ToLockToken());
        Assert.Equal(new DeliveryTag(tag.Span), tag);
    }
}
