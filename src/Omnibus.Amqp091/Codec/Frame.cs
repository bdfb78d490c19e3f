namespace Omnibus.Amqp091.Codec;

/// <summary>The frame types of AMQP 0-9-1 (section 4.2.3).</summary>
public enum FrameType : byte
{
    Method = 1,
    Header = 2,
    Body = 3,
    Heartbeat = 8,
}

/// <summary>One frame: type, channel and its payload (a copy, owned by the frame).</summary>
public readonly record struct Frame(FrameType Type, ushort Channel, ReadOnlyMemory<byte> Payload);

/// <summary>A reply code and text that closes a channel or the connection (AMQP 0-9-1 constants, section 1.2).</summary>
public sealed class Amqp091Exception(ushort code, string text, bool connectionLevel, ushort classId = 0, ushort methodId = 0) : Exception(text)
{
    public ushort Code { get; } = code;
    public bool ConnectionLevel { get; } = connectionLevel;
    public ushort ClassId { get; } = classId;
    public ushort MethodId { get; } = methodId;

    public static Amqp091Exception FrameError(string text) => new(ReplyCodes.FrameError, text, true);

    public static Amqp091Exception Syntax(string text) => new(ReplyCodes.SyntaxError, text, true);
}

/// <summary>Reply codes RabbitMQ uses.</summary>
public static class ReplyCodes
{
    public const ushort Success = 200;
    public const ushort ConnectionForced = 320;
    public const ushort ContentTooLarge = 311;
    public const ushort NoRoute = 312;
    public const ushort AccessRefused = 403;
    public const ushort NotFound = 404;
    public const ushort ResourceLocked = 405;
    public const ushort PreconditionFailed = 406;
    public const ushort FrameError = 501;
    public const ushort SyntaxError = 502;
    public const ushort CommandInvalid = 503;
    public const ushort ChannelError = 504;
    public const ushort UnexpectedFrame = 505;
    public const ushort ResourceError = 506;
    public const ushort NotAllowed = 530;
    public const ushort NotImplemented = 540;
    public const ushort InternalError = 541;
}
