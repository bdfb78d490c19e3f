using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.ServiceBus;

/// <summary>
/// The coordinator link (spec part 4): declare answers declared with a new transaction id;
/// discharge commits (runs the work enlisted in the transaction, in order) or rolls back
/// (drops it). See <see cref="ConnectionTransactions"/>.
/// </summary>
internal sealed class TransactionCoordinator(AmqpConnection connection) : IDeliveryHandler
{
    public async Task<DeliveryState> HandleAsync(IncomingLink link, IncomingDelivery delivery, CancellationToken cancellationToken)
    {
        AmqpMessage message = AmqpMessage.Decode(delivery.Payload);
        object? body = (message.Body as ValueBody)?.Value;
        switch (body)
        {
            case Declare:
                return new Declared(connection.Transactions.Declare());
            case Discharge discharge:
                await connection.Transactions.DischargeAsync(discharge.TxnId, discharge.Fail ?? false).ConfigureAwait(false);
                return Accepted.Instance;
            case AmqpDescribed described when described.HasDescriptor(DescriptorCodes.Declare):
                return new Declared(connection.Transactions.Declare());
            case AmqpDescribed described when described.HasDescriptor(DescriptorCodes.Discharge) && described.Value is List<object?> fields && fields.Count > 0:
                ReadOnlyMemory<byte> id = fields[0] is ReadOnlyMemory<byte> m ? m : ReadOnlyMemory<byte>.Empty;
                bool fail = fields.Count > 1 && fields[1] is true;
                await connection.Transactions.DischargeAsync(id, fail).ConfigureAwait(false);
                return Accepted.Instance;
            default:
                return new Rejected(new AmqpError(ErrorConditions.NotImplemented, "Expected declare or discharge."));
        }
    }
}
