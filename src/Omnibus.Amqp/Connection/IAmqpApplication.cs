using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// What runs on top of the AMQP 1.0 engine (a dialect such as Service Bus's): it authenticates
/// SASL, decides what each attached link is, and turns its own failures into AMQP errors. The
/// engine knows frames, sessions, links, flow and settlement; it never knows entities.
/// </summary>
internal interface IAmqpApplication
{
    /// <summary>The clock the engine's time-outs and the application's expiries use.</summary>
    TimeProvider Clock { get; }

    /// <summary>SASL mechanisms offered, in order of preference.</summary>
    IReadOnlyList<AmqpSymbol> SaslMechanisms { get; }

    /// <summary>Per-connection state of the application (authorization, transactions, ...), made once per connection.</summary>
    object CreateConnectionState(AmqpConnection connection);

    /// <summary>Checks a sasl-init; false refuses it (sasl-outcome auth).</summary>
    bool Authenticate(AmqpConnection connection, AmqpSymbol mechanism, ReadOnlyMemory<byte> initialResponse);

    /// <summary>Creates the link for an attach; throws a link-scope <see cref="AmqpProtocolException"/> (or an application error that <see cref="TryMapError"/> maps) to refuse it.</summary>
    AmqpLink CreateLink(AmqpSession session, Attach attach);

    /// <summary>The AMQP error for an application failure thrown by a link or handler; null when the exception is not the application's.</summary>
    AmqpError? TryMapError(Exception exception);
}
