using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Messaging;

/// <summary>rhea (under @azure/service-bus) writes a message's footer before its body; Service Bus accepts it, so does the broker.</summary>
public class FooterBeforeBodyTests
{
    private static readonly AmqpMap Footer = new() { { AmqpSymbol.FromString("x-hash"), new byte[] { 0xAB } } };

    private static (byte[] RheaOrder, byte[] BareMessage) Encodings()
    {
        var properties = new MessageProperties { MessageId = "m-1", Subject = "s" };
        var body = new DataBody([new byte[] { 1, 2, 3 }]);
        byte[] head = new AmqpMessage { Properties = properties, Footer = Footer }.ToArray();
        byte[] tail = new AmqpMessage { Body = body }.ToArray();
        byte[] bare = new AmqpMessage { Properties = properties, Body = body }.ToArray();
        return ([.. head, .. tail], bare);
    }

    [Fact]
    public void A_footer_before_the_body_decodes_with_the_bare_message_around_it()
    {
        (byte[] rheaOrder, byte[] bare) = Encodings();

        AmqpMessage decoded = AmqpMessage.Decode(rheaOrder);

        Assert.Equal("m-1", decoded.Properties!.MessageId);
        Assert.Equal([1, 2, 3], Assert.IsType<DataBody>(decoded.Body).Sections[0].ToArray());
        Assert.NotNull(decoded.Footer);
        Assert.Equal(Hex.Format(bare), Hex.Format(decoded.Sections!.Value.BareMessage.Span));
        Assert.Equal(Hex.Format(bare), Hex.Format(MessageSections.Split(rheaOrder).BareMessage.Span));
        Assert.False(MessageSections.Split(rheaOrder).Footer.IsEmpty);
    }

    [Fact]
    public void A_second_footer_or_a_section_after_the_body_that_follows_a_footer_is_still_refused()
    {
        (byte[] rheaOrder, _) = Encodings();
        byte[] footer = new AmqpMessage { Footer = Footer }.ToArray();
        byte[] properties = new AmqpMessage { Properties = new MessageProperties { MessageId = "late" } }.ToArray();

        Assert.Throws<AmqpDecodeException>(() => AmqpMessage.Decode((byte[])[.. rheaOrder, .. footer]));
        Assert.Throws<AmqpDecodeException>(() => MessageSections.Split((byte[])[.. rheaOrder, .. footer]));
        Assert.Throws<AmqpDecodeException>(() => AmqpMessage.Decode((byte[])[.. rheaOrder, .. properties]));
    }
}
