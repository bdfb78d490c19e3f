using System.Security.Cryptography;
using Omnibus.Amqp091.Codec;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// basic.consume, basic.get and the acknowledgements. A delivery is a peek-lock receive whose lock
/// lasts <see cref="Amqp091Options.DeliveryTimeout"/>: ack completes it, nack/reject requeue abandons
/// it (redelivered), reject without requeue dead-letters it to the queue's dead-letter exchange or
/// drops it, and a channel that closes requeues all it holds.
/// </summary>
internal sealed partial class Amqp091Channel
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Consumer> _consumers = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ulong, Unacked> _unacked = [];
    private ulong _lastDeliveryTag;
    private ushort _prefetch;

    /// <summary>A delivery waiting for its ack: when it went out and how long its consumer may hold it (<c>x-consumer-timeout</c>).</summary>
    private sealed record Unacked(Receivable Receivable, Guid LockToken, string Queue, Consumer? Consumer, long DeliveredAt = 0, TimeSpan Timeout = default);

    private int ConsumerCount(string queue) => Connection.Queues.ConsumerCount(queue);

    private void BasicQos(ref WireReader args)
    {
        uint size = args.ReadLong();
        ushort count = args.ReadShort();
        args.ReadBit(); // global: per channel in 0-9-1, per consumer in RabbitMQ 4; both are a limit per consumer here
        if (size != 0)
        {
            throw new Amqp091Exception(ReplyCodes.NotImplemented, "NOT_IMPLEMENTED - prefetch_size!=0 (" + size + ")", false, 60, 10);
        }
        _prefetch = count;
        Connection.SendMethod(Id, MethodIds.BasicQosOk);
    }

    private void BasicConsume(ref WireReader args)
    {
        args.ReadShort();
        string queue = args.ReadShortString();
        string tag = args.ReadShortString();
        args.ReadBit(); // no-local: not honoured, as in RabbitMQ
        bool noAck = args.ReadBit();
        bool exclusive = args.ReadBit();
        bool noWait = args.ReadBit();
        int priority = ConsumerPriority(args.ReadTable());
        if (tag.Length == 0)
        {
            tag = "amq.ctag-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
        if (queue == DirectReplyTo)
        {
            ConsumeDirectReply(tag, noAck, noWait);
            return;
        }
        Receivable receivable = Broker.GetReceivable(queue, Connection.Caller);
        Connection.Queues.CheckExclusiveAccess(Broker, queue, Connection, 60, 20);
        var consumer = new Consumer(tag, queue, noAck, exclusive, _prefetch, receivable, ConsumerTimeoutOf(queue), priority);
        lock (_gate)
        {
            if (_consumers.ContainsKey(tag) || tag == _replyConsumerTag)
            {
                throw new Amqp091Exception(ReplyCodes.NotAllowed, $"NOT_ALLOWED - attempt to reuse consumer tag '{tag}'", true, 60, 20);
            }
        }
        Connection.Queues.AddConsumer(consumer);
        lock (_gate)
        {
            _consumers[tag] = consumer;
        }
        // consume-ok goes before the first delivery: clients drop deliveries for a tag they do not know yet.
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.BasicConsumeOk, w => w.ShortString(tag));
        }
        _ = PumpAsync(consumer);
    }

    private void BasicCancel(ref WireReader args)
    {
        string tag = args.ReadShortString();
        bool noWait = args.ReadBit();
        Consumer? consumer;
        lock (_gate)
        {
            _consumers.Remove(tag, out consumer);
        }
        CancelDirectReply(tag);
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.BasicCancelOk, w => w.ShortString(tag));
        }
        if (consumer is not null)
        {
            ConsumerGone(consumer);
        }
    }

    /// <summary>
    /// A consumer ended (cancelled, its channel closed, its queue gone): it leaves the queue's consumers, which
    /// may activate the next single active consumer, and the last consumer of an auto-delete queue deletes it.
    /// </summary>
    private void ConsumerGone(Consumer consumer)
    {
        consumer.Stop.Cancel();
        if (Connection.Queues.RemoveConsumer(consumer))
        {
            _ = DeleteAutoDeleteQueueLaterAsync(consumer.Queue);
        }
    }

    private async Task DeleteAutoDeleteQueueLaterAsync(string queue)
    {
        await RequeueAllAsync(u => u.Queue == queue).ConfigureAwait(false);
        try
        {
            Connection.Queues.Forget(queue);
            Broker.DeleteQueue(queue, Connection.Caller);
        }
        catch (MessagingException)
        {
        }
    }

    private async Task PumpAsync(Consumer consumer)
    {
        CancellationToken stop = CancellationTokenSource.CreateLinkedTokenSource(consumer.Stop.Token, Connection.Stopping).Token;
        var options = new ReceiveOptions
        {
            Mode = consumer.NoAck ? ReceiveMode.ReceiveAndDelete : ReceiveMode.PeekLock,
            Visibility = consumer.NoAck ? null : LockFor(consumer.Timeout),
        };
        try
        {
            // A single active consumer waits for its turn; any other consumer is active from the start.
            await consumer.Activated.WaitAsync(stop).ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                int room = consumer.NoAck || consumer.Prefetch == 0 ? 256 : consumer.Prefetch - Volatile.Read(ref consumer.Outstanding);
                if (room <= 0)
                {
                    await consumer.Room.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                await Connection.Writer.WhenWritableAsync(stop).ConfigureAwait(false);
                TimeSpan wait = Timeout.InfiniteTimeSpan;
                if (Connection.Queues.HasPriorities(consumer.Queue))
                {
                    if (Connection.Queues.OutrankedByOneWithRoom(consumer))
                    {
                        // A consumer of higher priority can take what comes: stay out of its way.
                        // A polling pause on the system clock: it decides no outcome, only how soon to look again.
                        await Task.Delay(OutrankedPause, stop).ConfigureAwait(false);
                        continue;
                    }
                    // Look again soon: a consumer of higher priority may get room back (an ack) meanwhile.
                    wait = OutrankedPause;
                }
                IReadOnlyList<BrokerMessage> messages;
                try
                {
                    messages = await consumer.Receivable.ReceiveAsync(Math.Min(room, 256), wait, options, consumer.WaitToken(stop)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    continue; // a consumer of higher priority arrived: look again
                }
                foreach (BrokerMessage m in messages)
                {
                    Deliver(consumer, m);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (MessagingException e) when (e.Code is MessagingErrorCode.EntityNotFound or MessagingErrorCode.EntityDisabled)
        {
            // The queue went away: tell a client that understands it (consumer_cancel_notify).
            lock (_gate)
            {
                _consumers.Remove(consumer.Tag);
            }
            ConsumerGone(consumer);
            if (Connection.ClientHas("consumer_cancel_notify"))
            {
                Connection.SendMethod(Id, MethodIds.BasicCancel, w => w.ShortString(consumer.Tag).Bit(true));
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Deliver(Consumer consumer, BrokerMessage m)
    {
        if (consumer.Stop.IsCancellationRequested)
        {
            // Received as the consumer was cancelled: nothing goes out after cancel-ok (a single active consumer's
            // successor gets it instead).
            if (!consumer.NoAck)
            {
                _ = SettleAsync(new Unacked(consumer.Receivable, m.Delivery.LockToken, consumer.Queue, null), r => r.Receivable.AbandonAsync(r.LockToken));
            }
            return;
        }
        ulong tag;
        lock (_gate)
        {
            tag = ++_lastDeliveryTag;
            if (!consumer.NoAck)
            {
                _unacked[tag] = new Unacked(consumer.Receivable, m.Delivery.LockToken, consumer.Queue, consumer, Connection.Clock.GetTimestamp(), consumer.Timeout);
                WatchTimeoutsLocked();
                Interlocked.Increment(ref consumer.Outstanding);
            }
        }
        (string exchange, string routingKey) = MessageMapping.RouteOf(m, consumer.Queue);
        bool redelivered = m.Delivery.DeliveryCount > 0;
        if (!Connection.SendContent(Id, MethodIds.BasicDeliver,
                w => w.ShortString(consumer.Tag).LongLong(tag).Bit(redelivered).ShortString(exchange).ShortString(routingKey),
                MessageMapping.FromCore(m), m.Body) && !consumer.NoAck)
        {
            _ = RequeueAllAsync(u => u.LockToken == m.Delivery.LockToken);
        }
    }

    private Task BasicGetAsync(ref WireReader args)
    {
        args.ReadShort();
        string queue = args.ReadShortString();
        bool noAck = args.ReadBit();
        Receivable receivable = Broker.GetReceivable(queue, Connection.Caller);
        Connection.Queues.CheckExclusiveAccess(Broker, queue, Connection, 60, 70);
        return GetAsync(receivable, queue, noAck);
    }

    private async Task GetAsync(Receivable receivable, string queue, bool noAck)
    {
        TimeSpan timeout = ConsumerTimeoutOf(queue);
        var options = new ReceiveOptions { Mode = noAck ? ReceiveMode.ReceiveAndDelete : ReceiveMode.PeekLock, Visibility = noAck ? null : LockFor(timeout) };
        IReadOnlyList<BrokerMessage> got = await receivable.ReceiveAsync(1, TimeSpan.Zero, options).ConfigureAwait(false);
        if (got.Count == 0)
        {
            Connection.SendMethod(Id, MethodIds.BasicGetEmpty, w => w.ShortString(""));
            return;
        }
        BrokerMessage m = got[0];
        ulong tag;
        lock (_gate)
        {
            tag = ++_lastDeliveryTag;
            if (!noAck)
            {
                _unacked[tag] = new Unacked(receivable, m.Delivery.LockToken, queue, null, Connection.Clock.GetTimestamp(), timeout);
                WatchTimeoutsLocked();
            }
        }
        long remaining = Broker.GetQueueRuntimeInfo(queue).ActiveMessageCount;
        (string exchange, string routingKey) = MessageMapping.RouteOf(m, queue);
        Connection.SendContent(Id, MethodIds.BasicGetOk,
            w => w.LongLong(tag).Bit(m.Delivery.DeliveryCount > 0).ShortString(exchange).ShortString(routingKey).Long((uint)Math.Min(remaining, uint.MaxValue)),
            MessageMapping.FromCore(m), m.Body);
    }

    private void StopConsumers()
    {
        StopDirectReply();
        List<Consumer> consumers;
        lock (_gate)
        {
            consumers = [.. _consumers.Values];
            _consumers.Clear();
        }
        foreach (Consumer c in consumers)
        {
            ConsumerGone(c);
        }
    }
}
