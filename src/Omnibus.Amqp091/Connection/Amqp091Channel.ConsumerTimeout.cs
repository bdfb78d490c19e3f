using Omnibus.Amqp091.Codec;
using Omnibus.Core;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// RabbitMQ's consumer timeout: a delivery not acknowledged within the queue's <c>x-consumer-timeout</c> (else
/// <see cref="Amqp091Options.DeliveryTimeout"/>, RabbitMQ's <c>consumer_timeout</c>) closes its channel with
/// 406, which requeues everything the channel held. Checked every <see cref="Amqp091Options.ConsumerTimeoutCheckInterval"/>
/// on the broker's clock while the channel holds deliveries.
/// </summary>
internal sealed partial class Amqp091Channel
{
    private ITimer? _timeoutWatch;

    /// <summary>The consumer timeout of the queue; the default one for a queue the core does not know as such.</summary>
    private TimeSpan ConsumerTimeoutOf(string queue)
    {
        try
        {
            return QueueArguments.ConsumerTimeout(Broker.GetQueue(queue), Connection.Options.DeliveryTimeout);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return Connection.Options.DeliveryTimeout;
        }
    }

    /// <summary>The core lock of a delivery outlasts its consumer timeout, so that the channel closes (and requeues) before another consumer could get it.</summary>
    private static TimeSpan LockFor(TimeSpan timeout) => timeout < MaxLock - LockSlack ? timeout + LockSlack : MaxLock;

    private static readonly TimeSpan LockSlack = TimeSpan.FromMinutes(1), MaxLock = TimeSpan.FromHours(12);

    /// <summary>Starts the check with the channel's first delivery that waits for an ack. Called under the channel's lock.</summary>
    private void WatchTimeoutsLocked()
    {
        if (_timeoutWatch is null && !_closing)
        {
            TimeSpan every = Connection.Options.ConsumerTimeoutCheckInterval;
            _timeoutWatch = Connection.Clock.CreateTimer(_ => CheckTimeouts(), null, every, every);
        }
    }

    private void CheckTimeouts()
    {
        TimeSpan? overdue = null;
        lock (_gate)
        {
            foreach (Unacked u in _unacked.Values)
            {
                if (u.Timeout > TimeSpan.Zero && Connection.Clock.GetElapsedTime(u.DeliveredAt) > u.Timeout)
                {
                    overdue = u.Timeout;
                    break;
                }
            }
        }
        if (overdue is TimeSpan timeout)
        {
            StopTimeoutWatch();
            CloseWithError(new Amqp091Exception(ReplyCodes.PreconditionFailed,
                $"PRECONDITION_FAILED - delivery acknowledgement on channel {Id} timed out. Timeout value used: {(long)timeout.TotalMilliseconds} ms. This timeout value can be configured, see consumers doc guide to learn more", false, 0, 0));
        }
    }

    private void StopTimeoutWatch()
    {
        ITimer? watch;
        lock (_gate)
        {
            (watch, _timeoutWatch) = (_timeoutWatch, null);
        }
        watch?.Dispose();
    }
}
