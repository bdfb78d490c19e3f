using System.Text;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// Message ids seen within an entity's duplicate-detection window. Each accepted id is also
/// appended to a small log of its own (retained by age = the window), so the history survives a
/// restart even after the messages themselves were consumed and their segments deleted.
/// </summary>
internal sealed class DuplicateDetector : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal); // id → expiry ticks
    private readonly Queue<(string Id, long Expires)> _order = new();
    private readonly IPartitionLog _history;
    private readonly TimeProvider _clock;

    public DuplicateDetector(ILogStore store, string directory, TimeSpan window, TimeProvider clock, DurabilityPolicy durability)
    {
        _clock = clock;
        Window = window;
        _history = store.OpenLog(directory, new LogOptions
        {
            SegmentSize = 1024 * 1024,
            Durability = durability,
            TimeProvider = clock,
            Retention = new RetentionPolicy { MaxAge = window },
        });
        long now = clock.GetUtcNow().UtcTicks;
        using ILogReader reader = _history.OpenReader(_history.FirstSequence);
        while (reader.TryRead(out LogRecord record))
        {
            long expires = record.TimestampMs * TimeSpan.TicksPerMillisecond + DateTimeOffset.UnixEpoch.Ticks + window.Ticks;
            if (expires > now && !record.Body.IsEmpty) // an empty record was emptied by salvage
            {
                Remember(Encoding.UTF8.GetString(record.Body.Span), expires);
            }
        }
    }

    public TimeSpan Window { get; set; }

    /// <summary>Claims <paramref name="messageId"/>; false when it was seen inside the window.</summary>
    public bool TryClaim(string messageId)
    {
        long now = _clock.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            Prune(now);
            if (_seen.TryGetValue(messageId, out long expires) && expires > now)
            {
                return false;
            }
            Remember(messageId, now + Window.Ticks);
            return true;
        }
    }

    /// <summary>Forgets a claim whose message was not stored after all (the append failed).</summary>
    public void Release(string messageId)
    {
        lock (_gate)
        {
            _seen.Remove(messageId);
        }
    }

    /// <summary>Makes claims durable; called alongside the message append.</summary>
    public Task PersistAsync(IReadOnlyList<string> ids) =>
        ids.Count == 0 ? Task.CompletedTask : _history.AppendBatchAsync(ids.Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(i)).ToArray());

    /// <summary>Adds ids found in the message log at start-up (covers a crash between the two appends).</summary>
    public void RememberFromLog(string messageId, long enqueuedTicks)
    {
        long expires = enqueuedTicks + Window.Ticks;
        if (expires > _clock.GetUtcNow().UtcTicks)
        {
            lock (_gate)
            {
                Remember(messageId, expires);
            }
        }
    }

    private void Remember(string id, long expires)
    {
        _seen[id] = Math.Max(expires, _seen.GetValueOrDefault(id));
        _order.Enqueue((id, expires));
    }

    private void Prune(long now)
    {
        while (_order.TryPeek(out (string Id, long Expires) head) && head.Expires <= now)
        {
            _order.Dequeue();
            if (_seen.TryGetValue(head.Id, out long expires) && expires <= now)
            {
                _seen.Remove(head.Id);
            }
        }
    }

    public void EnforceRetention() => _history.EnforceRetention();

    public void Dispose() => _history.Dispose();
}
