using Omnibus.Core;
using Omnibus.Core.Entities;

namespace Omnibus.ServiceBus;

/// <summary>
/// Service Bus's limits on entity properties, narrower than the broker's own: checked where Service
/// Bus shapes create or change entities (the administration API, the emulator's config file), so that
/// what Azure refuses is refused here too, with its message.
/// </summary>
public static class ServiceBusLimits
{
    private static readonly TimeSpan MinLock = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxLock = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinAutoDelete = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinDuplicateWindow = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxDuplicateWindow = TimeSpan.FromDays(7);

    /// <summary>Throws <see cref="MessagingErrorCode.InvalidArgument"/> for a queue Service Bus would refuse.</summary>
    public static QueueDescription Check(QueueDescription q)
    {
        ArgumentNullException.ThrowIfNull(q);
        CheckCommon(q.LockDuration, q.AutoDeleteOnIdle);
        CheckDuplicateWindow(q.DuplicateDetectionHistoryTimeWindow);
        return q;
    }

    /// <summary>Throws <see cref="MessagingErrorCode.InvalidArgument"/> for a topic Service Bus would refuse.</summary>
    public static TopicDescription Check(TopicDescription t)
    {
        ArgumentNullException.ThrowIfNull(t);
        Require(t.AutoDeleteOnIdle >= MinAutoDelete, "AutoDeleteOnIdle must be at least 00:05:00.");
        CheckDuplicateWindow(t.DuplicateDetectionHistoryTimeWindow);
        return t;
    }

    /// <summary>Throws <see cref="MessagingErrorCode.InvalidArgument"/> for a subscription Service Bus would refuse.</summary>
    public static SubscriptionDescription Check(SubscriptionDescription s)
    {
        ArgumentNullException.ThrowIfNull(s);
        CheckCommon(s.LockDuration, s.AutoDeleteOnIdle);
        return s;
    }

    private static void CheckCommon(TimeSpan lockDuration, TimeSpan autoDelete)
    {
        Require(lockDuration >= MinLock && lockDuration <= MaxLock, $"LockDuration {lockDuration} must be between 00:00:01 and 00:05:00.");
        Require(autoDelete >= MinAutoDelete, $"AutoDeleteOnIdle {autoDelete} must be at least 00:05:00.");
    }

    private static void CheckDuplicateWindow(TimeSpan window) =>
        Require(window >= MinDuplicateWindow && window <= MaxDuplicateWindow,
            $"DuplicateDetectionHistoryTimeWindow {window} must be between 00:00:20 and 7.00:00:00.");

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, message);
        }
    }
}
