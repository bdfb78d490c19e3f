namespace Omnibus.Amqp.Types;

/// <summary>
/// The one error every decoder in this assembly raises for malformed input. A connection turns
/// it into a close with <c>amqp:decode-error</c>; nothing else escapes a decoder for bad bytes.
/// </summary>
public sealed class AmqpDecodeException : Exception
{
    public const string Condition = "amqp:decode-error";

    public AmqpDecodeException()
    {
    }

    public AmqpDecodeException(string message)
        : base(message)
    {
    }

    public AmqpDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static AmqpDecodeException Truncated() => new("The input ends inside a value.");

    internal static AmqpDecodeException UnexpectedConstructor(byte code, string expected) =>
        new($"Constructor 0x{code:x2} cannot encode {expected}.");

    internal static AmqpDecodeException MissingField(string type, string field) =>
        new($"Mandatory field '{field}' of {type} is missing.");
}
