using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;
using Omnibus.ServiceBus.Amqp;

namespace Omnibus.Amqp.Tests.Messaging;

public class MessageCodecTests
{
    [Fact]
    public void Amqp_value_message_matches_the_spec_bytes()
    {
        var message = new AmqpMessage { Body = new ValueBody("hi") };

        Assert.Equal("005377a1026869", Hex.Format(message.ToArray()));
    }

    [Fact]
    public void Header_with_only_durable_matches_the_spec_bytes()
    {
        var message = new AmqpMessage { Header = new MessageHeader { Durable = true } };

        Assert.Equal("005370c0020141", Hex.Format(message.ToArray()));
    }

    [Fact]
    public void Service_bus_message_round_trips_byte_for_byte()
    {
        var original = MessageSamples.ServiceBusMessage();
        var encoded = original.ToArray();

        var decoded = AmqpMessage.Decode(encoded);

        Assert.Equal(Hex.Format(encoded), Hex.Format(decoded.ToArray()));
        Assert.Equal(original.Header, decoded.Header);
        Assert.Equal("order-42", decoded.Properties!.MessageId);
        Assert.Equal(original.Properties!.CorrelationId, decoded.Properties.CorrelationId);
        Assert.Equal("application/json", decoded.Properties.ContentType!.ToString());
        Assert.Equal("session-1", decoded.Properties.GroupId);
        Assert.True(decoded.MessageAnnotations!.TryGetValue("x-opt-sequence-number"u8, out var sequenceNumber));
        Assert.Equal(1234567L, sequenceNumber);
        Assert.Equal("contoso", decoded.ApplicationProperties!["tenant"]);
        Assert.Equal(1024, Assert.IsType<DataBody>(decoded.Body).Sections.Single().Length);
    }

    [Fact]
    public void Every_section_and_all_thirteen_properties_round_trip()
    {
        var message = new AmqpMessage
        {
            Header = new MessageHeader { Durable = true, Priority = 9, Ttl = 1000, FirstAcquirer = true, DeliveryCount = 3 },
            DeliveryAnnotations = new AmqpMap { { AmqpSymbol.FromString("x-da"), "d" } },
            MessageAnnotations = new AmqpMap { { AmqpSymbol.FromString("x-opt-partition-key"), "pk" } },
            Properties = new MessageProperties
            {
                MessageId = 42ul,
                UserId = new byte[] { 1, 2 },
                To = "to",
                Subject = "subject",
                ReplyTo = "reply-to",
                CorrelationId = new ReadOnlyMemory<byte>([9, 9]),
                ContentType = AmqpSymbol.FromString("text/plain"),
                ContentEncoding = AmqpSymbol.FromString("gzip"),
                AbsoluteExpiryTime = new AmqpTimestamp(2000),
                CreationTime = new AmqpTimestamp(1000),
                GroupId = "group",
                GroupSequence = 5,
                ReplyToGroupId = "reply-group",
            },
            ApplicationProperties = new AmqpMap { { "n", 1L }, { "when", new AmqpTimestamp(5) }, { "id", Guid.Empty } },
            Body = new DataBody([new byte[] { 1 }, new byte[] { 2, 3 }, ReadOnlyMemory<byte>.Empty]),
            Footer = new AmqpMap { { AmqpSymbol.FromString("x-hash"), new byte[] { 0xAB } } },
        };
        var encoded = message.ToArray();

        var decoded = AmqpMessage.Decode(encoded);

        Assert.Equal(Hex.Format(encoded), Hex.Format(decoded.ToArray()));
        Assert.Equal(message.Header, decoded.Header);
        var properties = decoded.Properties!;
        Assert.Equal(42ul, properties.MessageId);
        Assert.Equal([1, 2], properties.UserId!.Value.ToArray());
        Assert.Equal("to", properties.To);
        Assert.Equal("subject", properties.Subject);
        Assert.Equal("reply-to", properties.ReplyTo);
        ValueComparer.AssertEqual(new ReadOnlyMemory<byte>([9, 9]), properties.CorrelationId);
        Assert.Equal("text/plain", properties.ContentType!.ToString());
        Assert.Equal("gzip", properties.ContentEncoding!.ToString());
        Assert.Equal(new AmqpTimestamp(2000), properties.AbsoluteExpiryTime);
        Assert.Equal(new AmqpTimestamp(1000), properties.CreationTime);
        Assert.Equal("group", properties.GroupId);
        Assert.Equal(5u, properties.GroupSequence);
        Assert.Equal("reply-group", properties.ReplyToGroupId);
        Assert.Equal(3, Assert.IsType<DataBody>(decoded.Body).Sections.Count);
        Assert.NotNull(decoded.DeliveryAnnotations);
        Assert.NotNull(decoded.Footer);
    }

    [Fact]
    public void Sequence_and_value_bodies_round_trip()
    {
        var sequence = new AmqpMessage { Body = new SequenceBody([new List<object?> { 1, "a" }, new List<object?>()]) };
        var value = new AmqpMessage { Body = new ValueBody(new AmqpMap { { "operation", "com.microsoft:renew-lock" }, { "lock-tokens", new[] { Guid.NewGuid() } } }) };

        foreach (var message in new[] { sequence, value })
        {
            var encoded = message.ToArray();
            Assert.Equal(Hex.Format(encoded), Hex.Format(AmqpMessage.Decode(encoded).ToArray()));
        }

        Assert.Equal(2, Assert.IsType<SequenceBody>(AmqpMessage.Decode(sequence.ToArray()).Body).Sections.Count);
    }

    [Fact]
    public void Sections_expose_the_bare_message_bytes_as_received()
    {
        var original = MessageSamples.ServiceBusMessage();
        var encoded = original.ToArray();
        var bareOnly = new AmqpMessage { Properties = original.Properties, ApplicationProperties = original.ApplicationProperties, Body = original.Body }.ToArray();

        var sections = AmqpMessage.Decode(encoded).Sections!.Value;

        Assert.Equal(Hex.Format(bareOnly), Hex.Format(sections.BareMessage.Span));
        Assert.Equal(Hex.Format(new AmqpMessage { Header = original.Header }.ToArray()), Hex.Format(sections.Header.Span));
        Assert.True(sections.DeliveryAnnotations.IsEmpty);
        Assert.False(sections.MessageAnnotations.IsEmpty);
        Assert.True(sections.Footer.IsEmpty);
        Assert.Equal(sections, MessageSections.Split(encoded));
    }

    [Fact]
    public void Annotations_are_patched_around_the_untouched_bare_message()
    {
        // A client sent these bytes; the broker stamps its annotations without re-encoding the rest.
        var received = new AmqpMessage
        {
            Properties = new MessageProperties { MessageId = "m1" },
            ApplicationProperties = new AmqpMap { { "k", 1 } },
            Body = new DataBody(new byte[] { 1, 2, 3 }),
        }.ToArray();
        var message = AmqpMessage.Decode(received);

        message.MessageAnnotations = new AmqpMap { { KnownSymbols.SequenceNumber, 77L }, { KnownSymbols.EnqueuedTime, new AmqpTimestamp(1) } };
        message.Header = new MessageHeader { DeliveryCount = 1 };
        var writer = new AmqpWriter(256);
        message.EncodeWithBareMessage(ref writer);
        var stored = writer.WrittenSpan.ToArray();
        writer.Dispose();

        var reloaded = AmqpMessage.Decode(stored);
        Assert.Equal(77L, reloaded.MessageAnnotations![KnownSymbols.SequenceNumber]);
        Assert.Equal(1u, reloaded.Header!.DeliveryCount);
        Assert.Equal(Hex.Format(received), Hex.Format(reloaded.Sections!.Value.BareMessage.Span));
    }

    [Fact]
    public void Stored_bare_message_with_fresh_annotations_equals_encoding_the_whole_message()
    {
        var message = MessageSamples.ServiceBusMessage();
        var stored = AmqpMessage.Decode(message.ToArray()).Sections!.Value.BareMessage.ToArray();

        var writer = new AmqpWriter(64);
        AmqpMessage.WriteAnnotated(ref writer, message.Header, null, message.MessageAnnotations, stored, null);
        var written = writer.WrittenSpan.ToArray();
        writer.Dispose();

        Assert.Equal(Hex.Format(message.ToArray()), Hex.Format(written));
    }

    [Fact]
    public void Re_encoding_the_bare_message_of_a_built_message_is_refused()
    {
        var message = new AmqpMessage { Body = new ValueBody(1) };

        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new AmqpWriter(64);
            try
            {
                message.EncodeWithBareMessage(ref writer);
            }
            finally
            {
                writer.Dispose();
            }
        });
    }

    [Fact]
    public void Data_sections_are_slices_of_the_decoded_buffer()
    {
        var encoded = MessageSamples.ServiceBusMessage().ToArray();

        var body = Assert.IsType<DataBody>(AmqpMessage.Decode(encoded).Body);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body.Sections[0], out var segment));
        Assert.Same(encoded, segment.Array);
    }

    public static TheoryData<string, string> BadSectionOrders => new()
    {
        { "005377 40 005370 45", "header after body" },
        { "005373 45 005373 45", "properties twice" },
        { "005375 a000 005377 40", "data then amqp-value" },
        { "005377 40 005377 40", "two amqp-values" },
        { "005375 a000 005378 c10100 005375 a000", "body after a footer that followed the body" },
        { "005378 c10100 005378 c10100", "two footers" },
        { "005310 45", "a performative where a section belongs" },
        { "005373 45 40", "a bare null between sections" },
        { "005373 c0 02 01 54", "message-id of a type the spec does not allow" },
    };

    [Theory]
    [MemberData(nameof(BadSectionOrders))]
    public void Malformed_message_is_a_decode_error(string hex, string because)
    {
        var bytes = Hex.Parse(hex);

        var error = Record.Exception(() => AmqpMessage.Decode(bytes));

        Assert.True(error is AmqpDecodeException, $"{because}: {error?.GetType().Name ?? "no error"}");
    }

    [Fact]
    public void Service_bus_batch_envelope_decodes_into_its_messages()
    {
        var messages = Enumerable.Range(0, 3).Select(i =>
        {
            var message = MessageSamples.ServiceBusMessage(bodySize: 10 + i);
            message.MessageAnnotations![KnownSymbols.PartitionKey] = "pk";
            return message;
        }).ToArray();
        var envelope = ServiceBusBatch.CreateEnvelope(messages);

        var received = AmqpMessage.Decode(envelope.ToArray());
        var unpacked = ServiceBusBatch.Decode(received);

        Assert.Equal(3, unpacked.Count);
        Assert.Equal("order-42", received.Properties!.MessageId);
        Assert.Equal("pk", received.MessageAnnotations![KnownSymbols.PartitionKey]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Hex.Format(messages[i].ToArray()), Hex.Format(unpacked[i].ToArray()));
            Assert.Equal(10 + i, Assert.IsType<DataBody>(unpacked[i].Body).Sections[0].Length);
        }
    }

    [Fact]
    public void Batch_envelope_without_data_sections_is_a_decode_error()
    {
        var envelope = AmqpMessage.Decode(new AmqpMessage { Body = new ValueBody("x") }.ToArray());

        Assert.Throws<AmqpDecodeException>(() => ServiceBusBatch.Decode(envelope));
    }

    [Fact]
    public void Batch_holding_a_malformed_message_is_a_decode_error()
    {
        var envelope = AmqpMessage.Decode(new AmqpMessage { Body = new DataBody(new byte[] { 0x00, 0x53, 0x75, 0xa0, 0x05 }) }.ToArray());

        Assert.Throws<AmqpDecodeException>(() => ServiceBusBatch.Decode(envelope));
    }
}
