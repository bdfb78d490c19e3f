using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>A stream whose stored data could not be opened: kept in the catalog, refused to traffic, named with the damage.</summary>
public sealed record QuarantinedStream(StreamDefinition Definition, string Reason, string? FilePath);

/// <summary>What recovering a quarantined stream did: every partition log's salvage, and whether it opened.</summary>
public sealed record StreamRecovery(string Name, bool Opened, string? Reason, IReadOnlyList<SalvageReport> Logs);

public sealed partial class StreamRegistry
{
    private const string OffsetsDirectory = "offsets";
    /// <summary>
    /// Streams that a partition of failed to open (damaged or missing records): every call naming
    /// one fails with <see cref="MessagingErrorCode.EntityDisabled"/> and the damage; its definition
    /// stays in the catalog; it can be deleted or recovered (<see cref="Recover"/>).
    /// </summary>
    public IReadOnlyList<QuarantinedStream> Quarantined
    {
        get
        {
            lock (_lock)
            {
                return [.. _quarantined.Values.OrderBy(q => q.Definition.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// A missing <c>streams.json</c> beside stream directories means the definitions were lost (it is
    /// written with the first stream): opening would serve no streams over data it no longer knows.
    /// </summary>
    private static void RefuseLostCatalog(ILogStore store, string directory)
    {
        string catalog = Path.Combine(directory, StreamCatalog.FileName);
        if (store.Exists(catalog))
        {
            return;
        }
        string? orphaned = store.ListDirectories(directory).FirstOrDefault(d => d != OffsetsDirectory);
        if (orphaned is not null)
        {
            throw new StorageFormatException(
                $"'{catalog}' is missing, but '{Path.Combine(directory, orphaned)}' holds stream data: the definitions of the streams are lost. " +
                $"Restore {StreamCatalog.FileName} from a backup, or move the stream directories away to start without them. Nothing was changed.")
            { FilePath = catalog };
        }
    }

    /// <summary>True when <paramref name="name"/> is a quarantined stream.</summary>
    public bool IsQuarantined(string name)
    {
        lock (_lock)
        {
            return _quarantined.ContainsKey(name);
        }
    }

    /// <summary>The quarantined stream of that name, or null.</summary>
    public QuarantinedStream? FindQuarantined(string name)
    {
        lock (_lock)
        {
            return _quarantined.GetValueOrDefault(name);
        }
    }

    /// <summary>Throws the quarantine's error when <paramref name="name"/> is a quarantined stream.</summary>
    public void ThrowIfQuarantined(string name)
    {
        lock (_lock)
        {
            if (_quarantined.TryGetValue(name, out QuarantinedStream? q))
            {
                throw QuarantineError(q);
            }
        }
    }

    private static MessagingException QuarantineError(QuarantinedStream q) => new(MessagingErrorCode.EntityDisabled,
        $"The stream '{q.Definition.Name}' is quarantined: its stored data is damaged ({q.Reason}) Recover it (omnibus recover), restore the file and restart, or delete it.");

    /// <summary>
    /// Salvages every partition log of a quarantined stream (<see cref="ILogStore.SalvageLogs"/>:
    /// offsets stay, a lost or dropped record becomes an offset gap) and opens it; the stream serves
    /// at once. When it still cannot open, it stays quarantined with the new reason.
    /// Null when <paramref name="name"/> is not a quarantined stream.
    /// </summary>
    public StreamRecovery? Recover(string name, SalvageMode mode)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_quarantined.TryGetValue(name, out QuarantinedStream? q))
            {
                return null;
            }
            string directory = Path.Combine(Directory, _directories[name]);
            IReadOnlyList<SalvageReport> logs = Options.Store.SalvageLogs(directory, new LogOptions
            {
                SegmentSize = q.Definition.SegmentBytes ?? Options.SegmentSize,
                TimeProvider = Options.TimeProvider,
            }, mode);
            try
            {
                _streams[name] = new MessageStream(q.Definition, directory, Options);
            }
            catch (StorageException e) when (e is StorageCorruptionException or StorageFormatException)
            {
                _quarantined[name] = q with { Reason = e.Message, FilePath = e.FilePath };
                return new StreamRecovery(name, false, e.Message, logs);
            }
            _quarantined.Remove(name);
            return new StreamRecovery(name, true, null, logs);
        }
    }
}
