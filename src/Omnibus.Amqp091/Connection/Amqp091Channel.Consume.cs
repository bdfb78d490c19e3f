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
    private readonly HashSet<string> _autoDelete = new(StringComparer.Ordinal);
    private ulong _lastDeliveryTag;
    private ushort _prefetch;

    private sealed record Unacked(Receivable Receivable, Guid LockToken, string Queue, Consumer? Consumer);

    private sealed class Consumer(string tag, string queue, bool noAck, ushort prefetch, Receivable receivable)
    {
        public string Tag { get; } = tag;
        public string Queue { get; } = queue;
        public bool NoAck { get; } = noAck;
        public ushort Prefetch { get; } = prefetch;
        public Receivable Receivable { get; } = receivable;
        public CancellationTokenSource Stop { get; } = new();
        public SemaphoreSlim Room { get; } = new(0);
        public int Outstanding;
    }

    private int ConsumerCount(string queue)
    {
        lock (_gate)
        {
            return _consumers.Values.Count(c => c.Queue == queue);
        }
    }

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
        args.ReadBit(); // exclusive
        bool noWait = args.ReadBit();
        args.ReadTable();
        Receivable receivable = Broker.GetReceivable(queue, Connection.Caller);
        if (tag.Length == 0)
        {
            tag = "amq.ctag-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
        var consumer = new Consumer(tag, queue, noAck, _prefetch, receivable);
        lock (_gate)
        {
            if (!_consumers.TryAdd(tag, consumer))
            {
                throw new Amqp091Exception(ReplyCodes.NotAllowed, $"NOT_ALLOWED - attempt to reuse consumer tag '{tag}'", true, 60, 20);
            }
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
        consumer?.Stop.Cancel();
        if (!noWait)
        {
            Connection.SendMethod(Id, MethodIds.BasicCancelOk, w => w.ShortString(tag));
        }
        bool lastOfAutoDelete;
        lock (_gate)
        {
            lastOfAutoDelete = consumer is not null && _consumers.Values.All(c => c.Queue != consumer.Queue) && _autoDelete.Remove(consumer.Queue);
        }
        if (lastOfAutoDelete)
        {
            _ = DeleteAutoDeleteQueueLaterAsync(consumer!.Queue);
        }
    }

    private async Task DeleteAutoDeleteQueueLaterAsync(string queue)
    {
        await RequeueAllAsync(u => u.Queue == queue).ConfigureAwait(false);
        try
        {
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
            Visibility = consumer.NoAck ? null : Connection.Options.DeliveryTimeout,
        };
        try
        {
            while (!stop.IsCancellationRequested)
            {
                int room = consumer.NoAck || consumer.Prefetch == 0 ? 256 : consumer.Prefetch - Volatile.Read(ref consumer.Outstanding);
                if (room <= 0)
                {
                    await consumer.Room.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                await Connection.Writer.WhenWritableAsync(stop).ConfigureAwait(false);
                IReadOnlyList<BrokerMessage> messages = await consumer.Receivable.ReceiveAsync(Math.Min(room, 256), Timeout.InfiniteTimeSpan, options, stop).ConfigureAwait(false);
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
        ulong tag;
        lock (_gate)
        {
            tag = ++_lastDeliveryTag;
            if (!consumer.NoAck)
            {
                _unacked[tag] = new Unacked(consumer.Receivable, m.Delivery.LockToken, consumer.Queue, consumer);
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
        return GetAsync(receivable, queue, noAck);
    }

    private async Task GetAsync(Receivable receivable, string queue, bool noAck)
    {
        var options = new ReceiveOptions { Mode = noAck ? ReceiveMode.ReceiveAndDelete : ReceiveMode.PeekLock, Visibility = noAck ? null : Connection.Options.DeliveryTimeout };
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
                _unacked[tag] = new Unacked(receivable, m.Delivery.LockToken, queue, null);
            }
        }
        long remaining = Broker.GetQueueRuntimeInfo(queue).ActiveMessageCount;
        (string exchange, string routingKey) = MessageMapping.RouteOf(m, queue);
        Connection.SendContent(Id, MethodIds.BasicGetOk,
            w => w.LongLong(tag).Bit(m.Delivery.DeliveryCount > 0).ShortString(exchange).ShortString(routingKey).Long((uint)Math.Min(remaining, uint.MaxValue)),
            MessageMapping.FromCore(m), m.Body);
    }

    private void BasicAck(ref WireReader args)
    {
        ulong tag = args.ReadLongLong();
        bool multiple = args.ReadBit();
        List<Unacked> acked = Take(tag, multiple, 80);
        if (acked.Count == 1)
        {
            _ = SettleAsync(acked[0], r => r.Receivable.CompleteAsync(r.LockToken));
            return;
        }
        // An ack with multiple settles its deliveries together: one state write per queue, not one each.
        foreach (IGrouping<Receivable, Unacked> queue in acked.GroupBy(u => u.Receivable))
        {
            _ = CompleteTogetherAsync(queue.Key, [.. queue.Select(u => u.LockToken)]);
        }
    }

    private void BasicNack(ref WireReader args)
    {
        ulong tag = args.ReadLongLong();
        bool multiple = args.ReadBit(), requeue = args.ReadBit();
        Refuse(Take(tag, multiple, 120), requeue);
    }

    private void BasicReject(ref WireReader args)
    {
        ulong tag = args.ReadLongLong();
        bool requeue = args.ReadBit();
        Refuse(Take(tag, false, 90), requeue);
    }

    private void Refuse(List<Unacked> refused, bool requeue)
    {
        foreach (Unacked u in refused)
        {
            if (requeue)
            {
                _ = SettleAsync(u, r => r.Receivable.AbandonAsync(r.LockToken));
            }
            else if (Broker.GetQueue(u.Queue).DeadLetterExchange is not null)
            {
                _ = SettleAsync(u, r => r.Receivable.DeadLetterAsync(r.LockToken, "rejected", null));
            }
            else
            {
                // No dead-letter exchange: RabbitMQ discards a rejected message.
                _ = SettleAsync(u, r => r.Receivable.CompleteAsync(r.LockToken));
            }
        }
    }

    private void BasicRecover(uint method)
    {
        _ = RequeueAllAsync();
        if (method == MethodIds.BasicRecover)
        {
            Connection.SendMethod(Id, MethodIds.BasicRecoverOk);
        }
    }

    /// <summary>The deliveries an ack/nack/reject names: one, or with multiple all up to it (tag 0: all).</summary>
    private List<Unacked> Take(ulong tag, bool multiple, ushort method)
    {
        var taken = new List<Unacked>();
        lock (_gate)
        {
            if (multiple)
            {
                foreach (ulong t in _unacked.Keys.Where(t => tag == 0 || t <= tag).ToList())
                {
                    _unacked.Remove(t, out Unacked? u);
                    taken.Add(u!);
                }
            }
            else if (_unacked.Remove(tag, out Unacked? u))
            {
                taken.Add(u);
            }
            else
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - unknown delivery tag {tag}", false, 60, method);
            }
        }
        foreach (Unacked u in taken)
        {
            ReleaseRoom(u);
        }
        return taken;
    }

    private static void ReleaseRoom(Unacked u)
    {
        if (u.Consumer is { } c)
        {
            Interlocked.Decrement(ref c.Outstanding);
            c.Room.Release();
        }
    }

    private static async Task SettleAsync(Unacked u, Func<Unacked, Task> settle)
    {
        try
        {
            await settle(u).ConfigureAwait(false);
        }
        catch (MessagingException)
        {
            // The lock ended meanwhile (delivery time-out, queue deleted): the core has the message again or it is gone.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task CompleteTogetherAsync(Receivable receivable, Guid[] lockTokens)
    {
        try
        {
            // Errors per message (a lock that ended meanwhile) need no answer: the core has those messages again.
            await receivable.CompleteManyAsync(lockTokens).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MessagingException or ObjectDisposedException)
        {
        }
    }

    private void StopConsumers()
    {
        List<Consumer> consumers;
        lock (_gate)
        {
            consumers = [.. _consumers.Values];
            _consumers.Clear();
        }
        foreach (Consumer c in consumers)
        {
            c.Stop.Cancel();
        }
    }

    private async Task RequeueAllAsync(Func<Unacked, bool>? which = null)
    {
        List<Unacked> all;
        lock (_gate)
        {
            var tags = _unacked.Where(e => which?.Invoke(e.Value) ?? true).Select(e => e.Key).ToList();
            all = [.. tags.Select(t => _unacked[t])];
            foreach (ulong t in tags)
            {
                _unacked.Remove(t);
            }
        }
        foreach (Unacked u in all)
        {
            ReleaseRoom(u);
            await SettleAsync(u, r => r.Receivable.AbandonAsync(r.LockToken)).ConfigureAwait(false);
        }
    }
}
