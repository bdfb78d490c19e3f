using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// The coordinator link (spec part 4): declare answers declared with a new transaction id;
/// discharge commits (the core applies all the work enlisted in the transaction, or none of it:
/// then the discharge is rejected with amqp:transaction:rollback) or rolls back (drops it). See
/// <see cref="ConnectionTransactions"/>.
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
                return await DischargeAsync(discharge.TxnId, discharge.Fail ?? false).ConfigureAwait(false);
            case AmqpDescribed described when described.HasDescriptor(DescriptorCodes.Declare):
                return new Declared(connection.Transactions.Declare());
            case AmqpDescribed described when described.HasDescriptor(DescriptorCodes.Discharge) && described.Value is List<object?> fields && fields.Count > 0:
                ReadOnlyMemory<byte> id = fields[0] is ReadOnlyMemory<byte> m ? m : ReadOnlyMemory<byte>.Empty;
                bool fail = fields.Count > 1 && fields[1] is true;
                return await DischargeAsync(id, fail).ConfigureAwait(false);
            default:
                return new Rejected(new AmqpError(ErrorConditions.NotImplemented, "Expected declare or discharge."));
        }
    }

    private async Task<DeliveryState> DischargeAsync(ReadOnlyMemory<byte> txnId, bool fail)
    {
        AmqpError? error = await connection.Transactions.DischargeAsync(connection.Broker, txnId, fail, connection.Authorization.Caller).ConfigureAwait(false);
        return error is null ? Accepted.Instance : new Rejected(error);
    }
}
