using Omnibus.Core.Entities;
using Omnibus.Core.Matching;

namespace Omnibus.Core.Engine;

/// <summary>A queue: its log, its receivable, and its dead-letter queue.</summary>
internal sealed class QueueEntity(QueueDescription description, string directory, MessageLog log, Receivable receivable, MessageLog deadLetterLog, Receivable deadLetter) : IDisposable
{
    public QueueDescription Description { get; set; } = description;
    public string Directory { get; } = directory;
    public MessageLog Log { get; } = log;
    public Receivable Receivable { get; } = receivable;
    public MessageLog DeadLetterLog { get; } = deadLetterLog;
    public Receivable DeadLetter { get; } = deadLetter;
    public int RoundRobin;

    public void Dispose()
    {
        Receivable.Dispose();
        DeadLetter.Dispose();
        Log.Dispose();
        DeadLetterLog.Dispose();
    }
}

/// <summary>A topic: its log and its subscriptions.</summary>
internal sealed class TopicEntity(TopicDocument document, string directory, MessageLog log) : IDisposable
{
    public TopicDocument Document { get; } = document;
    public TopicDescription Description { get => Document.Topic; set => Document.Topic = value; }
    public string Directory { get; } = directory;
    public MessageLog Log { get; } = log;
    public Dictionary<string, SubscriptionEntity> Subscriptions { get; } = [];
    public int RoundRobin;
    public DateTimeOffset AccessedAt;
    public EntityCounters Counters { get; } = new();

    public void Dispose()
    {
        foreach (SubscriptionEntity s in Subscriptions.Values)
        {
            s.Dispose();
        }
        Log.Dispose();
    }
}

/// <summary>A subscription: its receivable over the topic's log, its rules, and its dead-letter queue.</summary>
internal sealed class SubscriptionEntity(SubscriptionDocument document, string directory, Receivable receivable, MessageLog deadLetterLog, Receivable deadLetter, ISubscriptionRules rules) : IDisposable
{
    public SubscriptionDocument Document { get; } = document;
    public SubscriptionDescription Description { get => Document.Subscription; set => Document.Subscription = value; }
    public string Directory { get; } = directory;
    public Receivable Receivable { get; } = receivable;
    public MessageLog DeadLetterLog { get; } = deadLetterLog;
    public Receivable DeadLetter { get; } = deadLetter;
    public ISubscriptionRules Rules { get; set; } = rules;

    public void Dispose()
    {
        Receivable.Dispose();
        DeadLetter.Dispose();
        DeadLetterLog.Dispose();
    }
}
