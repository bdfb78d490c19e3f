using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Connection;

/// <summary>How far an error reaches (the error ladder of STYLE.md).</summary>
internal enum ErrorScope
{
    /// <summary>Detach only the link.</summary>
    Link,

    /// <summary>End the session.</summary>
    Session,

    /// <summary>Close the connection.</summary>
    Connection,
}

/// <summary>A protocol-level failure carrying the AMQP error to send and how far it reaches.</summary>
internal sealed class AmqpProtocolException : Exception
{
    public AmqpProtocolException(ErrorScope scope, AmqpSymbol condition, string description)
        : base(description)
    {
        Scope = scope;
        Condition = condition;
    }

    public AmqpProtocolException()
        : this(ErrorScope.Connection, ErrorConditions.InternalError, "Protocol error.")
    {
    }

    public AmqpProtocolException(string message)
        : this(ErrorScope.Connection, ErrorConditions.InternalError, message)
    {
    }

    public AmqpProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Scope = ErrorScope.Connection;
        Condition = ErrorConditions.InternalError;
    }

    public ErrorScope Scope { get; }

    public AmqpSymbol Condition { get; }

    public AmqpError ToError() => new(Condition, Message);

    public static AmqpProtocolException Connection(AmqpSymbol condition, string description) => new(ErrorScope.Connection, condition, description);

    public static AmqpProtocolException Session(AmqpSymbol condition, string description) => new(ErrorScope.Session, condition, description);

    public static AmqpProtocolException Link(AmqpSymbol condition, string description) => new(ErrorScope.Link, condition, description);
}
