using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// A settlement carried in <c>transactional-state</c>, as the core transaction operation the
/// discharge commits. The outcomes map as for a settlement outside a transaction
/// (<see cref="EntityReceiverLink.ApplyAsync"/>): accepted = complete, modified = abandon (defer
/// with undeliverable-here), released = abandon, rejected = dead-letter.
/// </summary>
internal static class TransactionalSettlement
{
    public static TransactionSettlement From(Receivable receivable, Guid lockToken, DeliveryState? outcome) => outcome switch
    {
        null or Accepted => new TransactionSettlement(receivable, lockToken, SettlementKind.Complete),
        Modified { UndeliverableHere: true } modified => new TransactionSettlement(receivable, lockToken, SettlementKind.Defer, EntityReceiverLink.ToProperties(modified.MessageAnnotations)),
        Modified modified => new TransactionSettlement(receivable, lockToken, SettlementKind.Abandon, EntityReceiverLink.ToProperties(modified.MessageAnnotations)),
        Released => new TransactionSettlement(receivable, lockToken, SettlementKind.Abandon),
        Rejected rejected => DeadLetter(receivable, lockToken, rejected.Error),
        _ => throw AmqpProtocolException.Link(ErrorConditions.NotImplemented, "Unsupported outcome " + outcome.GetType().Name + "."),
    };

    /// <summary>The rejected outcome's error info carries the reason, the description and property changes.</summary>
    private static TransactionSettlement DeadLetter(Receivable receivable, Guid lockToken, AmqpError? error)
    {
        (string? reason, string? description, Dictionary<string, object?>? properties) = AmqpValueConverter.DeadLetterInfo(error);
        return new TransactionSettlement(receivable, lockToken, SettlementKind.DeadLetter, properties, reason, description);
    }
}
