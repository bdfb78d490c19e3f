using System.Globalization;
using Omnibus.Core.Entities;
using Omnibus.Core.Security;
using Omnibus.Core.Streams;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>What recovering a quarantined entity did: each log's salvage, whether it opened, and the transactions that waited for it.</summary>
public sealed record QuarantineRecovery(EntityKind Kind, string Name, bool Opened, string? Reason, IReadOnlyList<SalvageReport> Logs, int TransactionsApplied)
{
    /// <summary>Records kept, over every log of the entity.</summary>
    public long RecordsKept => Logs.Sum(l => l.RecordsKept);

    /// <summary>Records lost (damaged or missing), over every log.</summary>
    public long RecordsLost => Logs.Sum(l => l.RecordsLost);

    /// <summary>Intact records dropped with a damaged batch, over every log.</summary>
    public long RecordsDropped => Logs.Sum(l => l.RecordsDropped);

    /// <summary>One line for an operator.</summary>
    public string Describe()
    {
        string kind = Kind.ToString().ToLowerInvariant();
        string salvaged = string.Join(" | ", Logs.Where(l => l.Changed).Select(l => l.Describe()));
        string outcome = Opened ? "opened and serving" : $"still quarantined: {Reason}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{kind} {Name}: {outcome}; {Logs.Count(l => l.Changed)} of {Logs.Count} logs salvaged ({RecordsLost} records lost, {RecordsDropped} dropped with a damaged batch)" +
            $"{(salvaged.Length == 0 ? "" : ": " + salvaged)}; {TransactionsApplied} waiting transactions applied");
    }
}

public sealed partial class Broker
{
    private readonly HashSet<string> _recovering = new(StringComparer.Ordinal);

    /// <summary>
    /// Recovers a quarantined queue, topic or stream without a restart: salvages every log under
    /// its directory (<see cref="ILogStore.SalvageLogs"/>: <paramref name="mode"/> keeps the records
    /// before and after the damage skipping the damaged batch, or every record that verifies;
    /// sequence numbers stay, a lost record is an empty one that nothing delivers; the original
    /// files stay beside the logs), then opens the entity, restores its bindings, and applies the
    /// committed transactions that waited for it. If it still cannot open, it stays quarantined
    /// with the new reason (the answer says so). <see cref="MessagingErrorCode.EntityNotFound"/>
    /// when <paramref name="name"/> is not quarantined.
    /// </summary>
    public async Task<QuarantineRecovery> RecoverQuarantinedAsync(string name, SalvageMode mode, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Authorize(caller, EntityRight.Manage, name);
        QuarantinedEntity? q;
        string directory;
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _quarantine.TryGetValue(name, out q);
        }
        if (q is null)
        {
            return await RecoverStreamAsync(name, mode).ConfigureAwait(false);
        }
        lock (_catalogLock)
        {
            if (!_quarantine.ContainsKey(name) || !_recovering.Add(name))
            {
                throw new MessagingException(MessagingErrorCode.InvalidOperation, $"'{name}' is being recovered already.");
            }
            directory = q.Kind == EntityKind.Queue
                ? Path.Combine(QueuesDirectory, _quarantinedQueueDirectories[name])
                : Path.Combine(TopicsDirectory, _quarantinedTopics.Single(t => t.Topic.Name == name).Directory ?? EntityNames.DirectoryName(name));
        }
        try
        {
            // Outside the catalog lock: a large entity takes a while, and the rest of the broker serves meanwhile.
            IReadOnlyList<SalvageReport> logs = Store.SalvageLogs(directory, new LogOptions { SegmentSize = Options.SegmentSize, TimeProvider = Clock }, mode);
            string? reason = ReopenQuarantined(q);
            int applied = reason is null ? await ApplyWaitingTransactionsAsync().ConfigureAwait(false) : 0;
            return new QuarantineRecovery(q.Kind, name, reason is null, reason, logs, applied);
        }
        finally
        {
            lock (_catalogLock)
            {
                _recovering.Remove(name);
            }
        }
    }

    private async Task<QuarantineRecovery> RecoverStreamAsync(string name, SalvageMode mode)
    {
        StreamRecovery recovery = Volatile.Read(ref _streams)?.Recover(name, mode)
            ?? throw new MessagingException(MessagingErrorCode.EntityNotFound, $"No quarantined queue, topic or stream is named '{name}'.");
        int applied = recovery.Opened ? await ApplyWaitingTransactionsAsync().ConfigureAwait(false) : 0;
        return new QuarantineRecovery(EntityKind.Stream, name, recovery.Opened, recovery.Reason, recovery.Logs, applied);
    }

    /// <summary>Opens a quarantined queue or topic and puts it in service; the reason it still cannot open, or null.</summary>
    private string? ReopenQuarantined(QuarantinedEntity q)
    {
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                if (q.Kind == EntityKind.Queue)
                {
                    QueueDescription d = _quarantinedQueues.Single(x => x.Name == q.Name);
                    _queues[q.Name] = OpenQueue(d, _quarantinedQueueDirectories[q.Name]);
                    _quarantinedQueues.Remove(d);
                    _quarantinedQueueDirectories.Remove(q.Name);
                }
                else
                {
                    TopicDocument t = _quarantinedTopics.Single(x => x.Topic.Name == q.Name);
                    _topics[q.Name] = OpenTopic(t);
                    _quarantinedTopics.Remove(t);
                }
            }
            catch (StorageException e) when (e is StorageCorruptionException or StorageFormatException)
            {
                _quarantine[q.Name] = q with { Reason = e.Message, FilePath = e.FilePath };
                return e.Message;
            }
            _quarantine.Remove(q.Name);
            foreach (Routing.BindingDescription b in _quarantinedBindings.Where(b => b.Destination == q.Name).ToList())
            {
                if (_router.Exchanges.TryGetValue(b.Source, out Routing.ExchangeState? source))
                {
                    _router.AddBinding(source, b);
                }
                _quarantinedBindings.Remove(b);
            }
            EntityChanged?.Invoke(new EntityChange(q.Kind, q.Name, EntityChangeKind.Updated));
            return null;
        }
    }
}
