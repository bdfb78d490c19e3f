using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Management;

/// <summary>A queue's running totals: messages stored into it, handed out (consumed or got) and settled.</summary>
internal readonly record struct MessageCounts(long Publish, long DeliverGet, long Ack)
{
    public static MessageCounts Of(EntityCounters counters) => new(counters.Sent, counters.Received, counters.Completed);

    public static MessageCounts operator +(MessageCounts a, MessageCounts b) => new(a.Publish + b.Publish, a.DeliverGet + b.DeliverGet, a.Ack + b.Ack);
}

/// <summary>Per-second rates of <see cref="MessageCounts"/>.</summary>
internal readonly record struct MessageRatesPerSecond(double Publish, double DeliverGet, double Ack)
{
    public static MessageRatesPerSecond operator +(MessageRatesPerSecond a, MessageRatesPerSecond b) => new(a.Publish + b.Publish, a.DeliverGet + b.DeliverGet, a.Ack + b.Ack);
}

/// <summary>
/// Samples every queue's core counters on the broker's clock each <see cref="RabbitMqManagementOptions.StatisticsInterval"/>
/// and reports a rate as the change between the last two samples over the time between them, as RabbitMQ's
/// statistics do. A queue missing from the earlier sample (created since) counts from zero.
/// </summary>
internal sealed class MessageRates : IDisposable
{
    private readonly Broker _broker;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private readonly object _lock = new();
    private Snapshot? _previous;
    private Snapshot _latest;

    private sealed record Snapshot(DateTimeOffset At, Dictionary<string, MessageCounts> Counts);

    public MessageRates(Broker broker, TimeProvider clock, RabbitMqManagementOptions options)
    {
        _broker = broker;
        _clock = clock;
        _latest = Take();
        StartedAt = _latest.At;
        _timer = clock.CreateTimer(_ => Sample(), null, options.StatisticsInterval, options.StatisticsInterval);
    }

    /// <summary>When sampling started: when the host built the API.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Takes a sample now (the timer does this every interval).</summary>
    public void Sample()
    {
        Snapshot next;
        try
        {
            next = Take();
        }
        catch (ObjectDisposedException)
        {
            return; // the broker closed before the timer did
        }
        lock (_lock)
        {
            _previous = _latest;
            _latest = next;
        }
    }

    /// <summary>The rates of <paramref name="queue"/> over the last interval; zero before two samples exist.</summary>
    public MessageRatesPerSecond RatesOf(string queue)
    {
        Snapshot? previous;
        Snapshot latest;
        lock (_lock)
        {
            (previous, latest) = (_previous, _latest);
        }
        if (previous is null || !latest.Counts.TryGetValue(queue, out MessageCounts now))
        {
            return default;
        }
        double seconds = (latest.At - previous.At).TotalSeconds;
        if (seconds <= 0)
        {
            return default;
        }
        MessageCounts before = previous.Counts.GetValueOrDefault(queue);
        return new MessageRatesPerSecond(
            Math.Max(0, now.Publish - before.Publish) / seconds,
            Math.Max(0, now.DeliverGet - before.DeliverGet) / seconds,
            Math.Max(0, now.Ack - before.Ack) / seconds);
    }

    private Snapshot Take()
    {
        var counts = new Dictionary<string, MessageCounts>(StringComparer.Ordinal);
        foreach (Core.Entities.QueueDescription queue in _broker.ListQueues())
        {
            try
            {
                counts[queue.Name] = MessageCounts.Of(_broker.GetReceivable(queue.Name).Counters);
            }
            catch (MessagingException)
            {
                // Deleted between the list and the look-up.
            }
        }
        return new Snapshot(_clock.GetUtcNow(), counts);
    }

    public void Dispose() => _timer.Dispose();
}
