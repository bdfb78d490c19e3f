using System.Buffers;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;
using Omnibus.ServiceBus.Amqp;

namespace Omnibus.Amqp.Tests.Interop;

/// <summary>
/// Frames and messages exactly as rhea 3.0.5 writes them (rhea is the AMQP library under
/// @azure/service-bus). Captured once with rhea's own frames/terminus/message encoders, the way
/// the JS SDK builds them; kept as byte vectors so the tests need no Node.js. rhea favours the
/// 32-bit list and map forms and sends filters as described values with symbolic descriptors.
/// </summary>
public class RheaVectorTests
{
    private const string SaslInitHex =
        "0000003002010000005341d00000002000000003a309414e4f4e594d4f5553a00475736572a1096c6f63616c686f7374";

    private const string OpenHex =
        "0000006902000000005310d0000000590000000aa1096a732d636c69656e74a1096c6f63616c686f737470ffffffff60"
        + "ffff700000ea6040404040d10000002900000004a30770726f64756374a1044d535342a30a757365722d6167656e74a1"
        + "08617a73646b2d6a73";

    private const string BeginHex =
        "0000002002000001005311d000000010000000044043700000080070ffffffff";

    private const string AttachHex =
        "000000cb02000001005312d0000000bb0000000ea10f6f72646572732d726563656976657252024150005001005328d0"
        + "0000006300000008a1066f7264657273404040404040d10000004c00000002a31c636f6d2e6d6963726f736f66743a73"
        + "657373696f6e2d66696c74657200a31c636f6d2e6d6963726f736f66743a73657373696f6e2d66696c746572a1097365"
        + "7373696f6e2d3700532945404040404040d10000002500000002a31b636f6d2e6d6963726f736f66743a726563656976"
        + "65722d6e616d65a1027231";

    private const string FlowDrainHex =
        "0000002802000001005313d00000001800000009520570000008004370ffffffff5202520a434041";

    private const string DispositionAcceptedHex =
        "0000001e02000001005315d00000000e0000000541520752074100532445";

    private const string DispositionModifiedHex =
        "0000003802000001005315d000000028000000054152084042005327d000000017000000034041d10000000c00000002"
        + "a303782d6ba10176";

    private const string DispositionRejectedHex =
        "0000006d02000001005315d00000005d000000054152094040005325d00000004c0000000100531dd000000040000000"
        + "03a319636f6d2e6d6963726f736f66743a646561642d6c6574746572a10164d10000001900000002a110446561644c65"
        + "74746572526561736f6ea10172";

    private const string TransferHex =
        "0000008702000001005314d00000000f00000005520343a00400000001434200537045005372d10000001d00000002a3"
        + "13782d6f70742d706172746974696f6e2d6b6579a102706b005373d00000001f00000007a1026d314040404040a31061"
        + "70706c69636174696f6e2f6a736f6e005374d10000000900000002a1016e522a005375a0026869";

    private const string CloseHex =
        "0000003d02000000005318d00000002d0000000100531dd00000002100000002a316616d71703a636f6e6e656374696f"
        + "6e3a666f72636564a103627965";

    private const string MessageHex =
        "005370d00000000e000000054140700000ea60405202005372d10000004400000004a313782d6f70742d706172746974"
        + "696f6e2d6b6579a102706ba31c782d6f70742d7363686564756c65642d656e71756575652d74696d65830000018bcfe5"
        + "6800005373d0000000430000000ba1026d3140a1066f7264657273a10173a10172a1026331a3106170706c6963617469"
        + "6f6e2f6a736f6e40830000018bcfe65260830000018bcfe56800a10167005374d1000000390000000aa10674656e616e"
        + "74a107636f6e746f736fa1016e522aa10362696780001fffffffffffffa10166823ff8000000000000a1026f6b410053"
        + "75a00568656c6c6f";

    private const string BatchHex =
        "00537045005373d00000000700000001a10162005375a01a00537045005373d00000000800000001a1026931005377a1"
        + "0178005375a01a00537045005373d00000000800000001a1026932005377a10179";

    private const string ManagementHex =
        "0053704500537345005374d10000002b00000002a1096f7065726174696f6ea11a636f6d2e6d6963726f736f66743a70"
        + "65656b2d6d657373616765005377d10000002d00000004a11466726f6d2d73657175656e63652d6e756d6265725501a1"
        + "0d6d6573736167652d636f756e74520a";
    private static AmqpFrame ReadFrame(string hex, out byte[] bytes)
    {
        bytes = Hex.Parse(hex);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(AmqpFrameReader.TryReadFrame(ref reader, uint.MaxValue, out var frame, out var error), error.ToString());
        Assert.True(reader.End);
        return frame;
    }

    private static T Decode<T>(string hex)
        where T : struct, IPerformative<T>
    {
        var frame = ReadFrame(hex, out _);
        var performative = PerformativeDecoder.Decode<T>(frame.Body, out var payload);
        Assert.True(payload.IsEmpty);
        return performative;
    }

    [Fact]
    public void Sasl_init_with_anonymous_and_a_username_decodes()
    {
        var frame = ReadFrame(SaslInitHex, out _);
        var init = PerformativeDecoder.Decode<SaslInit>(frame.Body, out _);

        Assert.Equal(FrameType.Sasl, frame.Type);
        Assert.Same(KnownSymbols.Anonymous, init.Mechanism);
        Assert.Equal("user"u8.ToArray(), init.InitialResponse!.Value.ToArray());
        Assert.Equal("localhost", init.Hostname);
    }

    [Fact]
    public void Open_and_begin_decode()
    {
        var open = Decode<Open>(OpenHex);
        var begin = Decode<Begin>(BeginHex);

        Assert.Equal("js-client", open.ContainerId);
        Assert.Equal(uint.MaxValue, open.MaxFrameSize);
        Assert.Equal((ushort)65535, open.ChannelMax);
        Assert.Equal(60000u, open.IdleTimeOut);
        Assert.Equal("azsdk-js", open.Properties![AmqpSymbol.FromString("user-agent")]);
        Assert.Null(begin.RemoteChannel);
        Assert.Equal(2048u, begin.IncomingWindow);
        Assert.Equal(uint.MaxValue, begin.OutgoingWindow);
    }

    [Fact]
    public void Session_receiver_attach_decodes_with_its_session_filter()
    {
        var attach = Decode<Attach>(AttachHex);

        Assert.Equal("orders-receiver", attach.Name);
        Assert.Equal(LinkRole.Receiver, attach.Role);
        Assert.Equal(ReceiverSettleMode.Second, attach.RcvSettleMode);
        Assert.Equal("orders", attach.Source!.Address);
        Assert.True(attach.Source.Filter!.TryGetValue("com.microsoft:session-filter"u8, out var filter));
        var described = Assert.IsType<AmqpDescribed>(filter);
        Assert.Same(KnownSymbols.SessionFilter, described.Descriptor);
        Assert.Equal("session-7", described.Value);
        Assert.Null(Assert.IsType<Target>(attach.Target).Address);
        Assert.Equal("r1", attach.Properties![AmqpSymbol.FromString("com.microsoft:receiver-name")]);
    }

    [Fact]
    public void Drain_flow_decodes()
    {
        var flow = Decode<Flow>(FlowDrainHex);

        Assert.Equal(2u, flow.Handle);
        Assert.Equal(10u, flow.DeliveryCount);
        Assert.Equal(0u, flow.LinkCredit);
        Assert.True(flow.Drain);
    }

    [Fact]
    public void Complete_abandon_and_dead_letter_dispositions_decode()
    {
        var accepted = Decode<Disposition>(DispositionAcceptedHex);
        var modified = Decode<Disposition>(DispositionModifiedHex);
        var rejected = Decode<Disposition>(DispositionRejectedHex);

        Assert.Same(Accepted.Instance, accepted.State);
        Assert.True(accepted.Settled);
        Assert.Equal(7u, accepted.Last);
        var modifiedState = Assert.IsType<Modified>(modified.State);
        Assert.True(modifiedState.UndeliverableHere);
        Assert.Equal("v", modifiedState.MessageAnnotations![AmqpSymbol.FromString("x-k")]);
        var error = Assert.IsType<Rejected>(rejected.State).Error!;
        Assert.Same(ErrorConditions.DeadLetter, error.Condition);
        // rhea keys the error info map with strings where the .NET SDK uses symbols.
        Assert.Equal("r", error.Info!["DeadLetterReason"]);
    }

    [Fact]
    public void Transfer_and_its_message_decode()
    {
        var frame = ReadFrame(TransferHex, out _);
        var transfer = PerformativeDecoder.Decode<Transfer>(frame.Body, out var payload);
        var message = AmqpMessage.Decode(payload.ToArray());

        Assert.Equal(3u, transfer.Handle);
        Assert.Equal("00000001", Hex.Format(transfer.DeliveryTag!.Value.Span));
        Assert.False(transfer.Settled);
        Assert.Equal("m1", message.Properties!.MessageId);
        Assert.Equal(42u, message.ApplicationProperties!["n"]); // rhea writes small JS numbers as uint
        Assert.Equal("pk", message.MessageAnnotations![KnownSymbols.PartitionKey]);
        Assert.Equal("hi"u8.ToArray(), Assert.IsType<DataBody>(message.Body).Sections.Single().ToArray());
    }

    [Fact]
    public void Close_with_an_error_decodes()
    {
        var close = Decode<Close>(CloseHex);

        Assert.Equal("amqp:connection:forced", close.Error!.Condition.ToString());
        Assert.Equal("bye", close.Error.Description);
    }

    [Fact]
    public void Message_with_every_common_field_decodes()
    {
        var message = AmqpMessage.Decode(Hex.Parse(MessageHex));

        Assert.True(message.Header!.Durable);
        Assert.Equal(60000u, message.Header.Ttl);
        Assert.Equal(2u, message.Header.DeliveryCount);
        var properties = message.Properties!;
        Assert.Equal("m1", properties.MessageId);
        Assert.Equal("c1", properties.CorrelationId);
        Assert.Equal("orders", properties.To);
        Assert.Equal("s", properties.Subject);
        Assert.Equal("r", properties.ReplyTo);
        Assert.Equal("g", properties.GroupId);
        Assert.Equal(new AmqpTimestamp(1_700_000_000_000), properties.CreationTime);
        Assert.Equal(new AmqpTimestamp(1_700_000_060_000), properties.AbsoluteExpiryTime);
        Assert.Equal(9007199254740991ul, message.ApplicationProperties!["big"]);
        Assert.Equal(1.5, message.ApplicationProperties["f"]);
        Assert.Equal(true, message.ApplicationProperties["ok"]);
        Assert.Equal(new AmqpTimestamp(1_700_000_000_000), message.MessageAnnotations![KnownSymbols.ScheduledEnqueueTime]);
    }

    [Fact]
    public void Batch_of_data_sections_decodes_into_its_messages()
    {
        var messages = ServiceBusBatch.Decode(AmqpMessage.Decode(Hex.Parse(BatchHex)));

        Assert.Equal(["i1", "i2"], messages.Select(m => m.Properties!.MessageId));
        Assert.Equal(["x", "y"], messages.Select(m => Assert.IsType<ValueBody>(m.Body).Value));
    }

    [Fact]
    public void Management_request_decodes()
    {
        var message = AmqpMessage.Decode(Hex.Parse(ManagementHex));

        Assert.Equal("com.microsoft:peek-message", message.ApplicationProperties!["operation"]);
        var body = Assert.IsType<AmqpMap>(Assert.IsType<ValueBody>(message.Body).Value);
        Assert.Equal(1L, body["from-sequence-number"]);
        Assert.NotNull(body["message-count"]);
    }

    [Fact]
    public void Every_rhea_frame_parses_identically_on_every_split()
    {
        foreach (var hex in new[] { SaslInitHex, OpenHex, BeginHex, AttachHex, FlowDrainHex, DispositionAcceptedHex, DispositionModifiedHex, DispositionRejectedHex, TransferHex, CloseHex })
        {
            var bytes = Hex.Parse(hex);
            var expected = Hex.Format(ReadFrame(hex, out _).Body.ToArray());
            foreach (var sequence in Segments.AllSplits(bytes))
            {
                var reader = new SequenceReader<byte>(sequence);
                Assert.True(AmqpFrameReader.TryReadFrame(ref reader, uint.MaxValue, out var frame, out _));
                Assert.Equal(expected, Hex.Format(frame.Body.ToArray()));
            }
        }
    }
}
