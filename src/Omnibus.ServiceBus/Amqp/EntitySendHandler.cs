using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Sends deliveries to a queue or topic: a single message or a Service Bus batch (format
/// 0x80013700, all-or-nothing); <c>x-opt-scheduled-enqueue-time</c> in the future schedules.
/// Accepted only once the core confirmed the write as durable.
/// </summary>
internal sealed class EntitySendHandler(string entityPath) : IBatchDeliveryHandler
{
    /// <summary>Decoding and the core's append (which fixes the order) happen before the first await.</summary>
    public bool Pipelined => true;

    /// <summary>One delivery: the batch path with a batch of one (the link uses that path itself).</summary>
    public async Task<DeliveryState> HandleAsync(IncomingLink link, IncomingDelivery delivery, CancellationToken cancellationToken)
    {
        (DeliveryState? outcome, Exception? error) = (await HandleManyAsync(link, [delivery], cancellationToken).ConfigureAwait(false))[0];
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
        return outcome!;
    }

    /// <summary>
    /// Deliveries already waiting on the link go to the core together (<c>Broker.SendEachAsync</c>):
    /// each stays its own atomic batch with its own outcome, but they share one append. A future
    /// <c>x-opt-scheduled-enqueue-time</c> makes the core hold a message until then.
    /// </summary>
    public async Task<(DeliveryState? Outcome, Exception? Error)[]> HandleManyAsync(IncomingLink link, IReadOnlyList<IncomingDelivery> deliveries, CancellationToken cancellationToken)
    {
        var results = new (DeliveryState? Outcome, Exception? Error)[deliveries.Count];
        var batches = new List<IReadOnlyList<BrokerMessage>>(deliveries.Count);
        var positions = new List<int>(deliveries.Count);
        for (int i = 0; i < deliveries.Count; i++)
        {
            try
            {
                List<BrokerMessage> messages = Decode(deliveries[i]);
                if (deliveries[i].State is TransactionalState transactional)
                {
                    link.Connection.Transactions.Enlist(transactional.TxnId, new TransactionSend(entityPath, messages));
                    results[i] = (new TransactionalState(transactional.TxnId, Accepted.Instance), null);
                }
                else if (messages.Count == 0)
                {
                    results[i] = (Accepted.Instance, null);
                }
                else
                {
                    batches.Add(messages);
                    positions.Add(i);
                }
            }
            catch (Exception e) when (e is AmqpDecodeException or MessagingException or AmqpProtocolException)
            {
                results[i] = (null, e);
            }
        }
        if (batches.Count > 0)
        {
            Exception?[] errors = await link.Connection.Broker.SendEachAsync(entityPath, batches, link.Connection.Authorization.Caller).ConfigureAwait(false);
            for (int j = 0; j < errors.Length; j++)
            {
                results[positions[j]] = errors[j] is null ? (Accepted.Instance, null) : (null, errors[j]);
            }
        }
        return results;
    }

    public static List<BrokerMessage> Decode(IncomingDelivery delivery)
    {
        AmqpMessage message = AmqpMessage.Decode(delivery.Payload);
        if (delivery.MessageFormat == ServiceBusBatch.MessageFormat)
        {
            IReadOnlyList<AmqpMessage> inner = ServiceBusBatch.Decode(message);
            var list = new List<BrokerMessage>(inner.Count);
            foreach (AmqpMessage m in inner)
            {
                list.Add(MessageMapper.ToBroker(m));
            }
            return list;
        }
        return [MessageMapper.ToBroker(message)];
    }
}
