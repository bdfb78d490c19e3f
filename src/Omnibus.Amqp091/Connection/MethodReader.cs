using Omnibus.Amqp091.Codec;

namespace Omnibus.Amqp091.Connection;

/// <summary>A method frame's id and the reader over its arguments.</summary>
internal static class MethodReader
{
    public static uint IdOf(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4)
        {
            throw Amqp091Exception.Syntax("A method frame shorter than its class and method ids.");
        }
        return (uint)(payload[0] << 24 | payload[1] << 16 | payload[2] << 8 | payload[3]);
    }

    public static WireReader Arguments(ReadOnlySpan<byte> payload) => new(payload[4..]);
}
