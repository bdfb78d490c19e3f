using System.Buffers;
using Omnibus.Core.Messages;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// The broker's transaction log (<c>data/transactions/</c>, a storage <see cref="PartitionLog"/>).
/// A commit writes one intent record (every operation) and waits for it to be durable — that is
/// the commit point — then applies the operations and appends an applied mark. Record formats and
/// the recovery rule: docs/core.md, "Transactions".
/// </summary>
internal sealed class TransactionLog : IDisposable
{
    /// <summary>The largest intent record (all messages of a transaction together).</summary>
    public const int MaxRecordSize = 256 * 1024 * 1024;

    private const byte KindIntent = 1;
    private const byte KindApplied = 2;
    private const byte OpSend = 1;
    private const byte OpSettle = 2;
    private const byte OpStreamCommit = 3;
    private const byte OpOffsets = 4;
    private const byte HasProperties = 1;
    private const byte HasReason = 2;
    private const byte HasDescription = 4;

    private readonly IPartitionLog _log;
    private readonly List<long> _inFlight = [];
    private readonly SortedSet<long> _kept = []; // intents left pending for a quarantined entity

    public TransactionLog(string directory, BrokerOptions options)
    {
        _log = options.Store.OpenLog(directory, new LogOptions
        {
            SegmentSize = 16 * 1024 * 1024,
            MaxRecordSize = MaxRecordSize,
            Durability = options.Durability,
            TimeProvider = options.TimeProvider,
            PreallocateSegments = false,
        });
    }

    /// <summary>Intents without an applied mark, in log order.</summary>
    public List<PendingIntent> ReadPending()
    {
        var pending = new Dictionary<Guid, PendingIntent>();
        var order = new List<Guid>();
        using ILogReader reader = _log.OpenReader(_log.FirstSequence);
        while (reader.TryRead(out LogRecord record))
        {
            ReadOnlySpan<byte> body = record.Body.Span;
            if (body.Length < 17)
            {
                throw new InvalidDataException($"Transaction log record {record.Sequence} is too short.");
            }
            var id = new Guid(body.Slice(1, 16));
            switch (body[0])
            {
                case KindIntent:
                    pending[id] = new PendingIntent(id, record.Sequence, DecodeOperations(body[17..]));
                    order.Add(id);
                    break;
                case KindApplied:
                    pending.Remove(id);
                    break;
                default:
                    throw new InvalidDataException($"Transaction log record {record.Sequence} has unknown kind {body[0]}.");
            }
        }
        return [.. order.Where(pending.ContainsKey).Select(id => pending[id])];
    }

    /// <summary>
    /// Registers a commit about to write its intent: segments from here on are kept until
    /// <see cref="Release"/>. Returns the ticket to release.
    /// </summary>
    public long Reserve()
    {
        lock (_inFlight)
        {
            // The intent will be appended at or after the log's next sequence.
            long ticket = _log.NextSequence;
            _inFlight.Add(ticket);
            return ticket;
        }
    }

    /// <summary>Ends a reservation (its transaction is marked applied, or was never written) and deletes segments nobody needs.</summary>
    public void Release(long ticket)
    {
        long floor;
        lock (_inFlight)
        {
            _inFlight.Remove(ticket);
            floor = Floor();
        }
        _log.DeleteSegmentsBefore(floor);
    }

    /// <summary>Deletes every sealed segment no commit in flight and no kept intent needs (after recovery).</summary>
    public void DeleteApplied()
    {
        lock (_inFlight)
        {
            _log.DeleteSegmentsBefore(Floor());
        }
    }

    /// <summary>Keeps the intent at <paramref name="sequence"/> in the log (unmarked) until <see cref="Unkeep"/>: it waits for a quarantined entity.</summary>
    public void Keep(long sequence)
    {
        lock (_inFlight)
        {
            _kept.Add(sequence);
        }
    }

    /// <summary>The kept intent at <paramref name="sequence"/> was applied and marked.</summary>
    public void Unkeep(long sequence)
    {
        lock (_inFlight)
        {
            _kept.Remove(sequence);
        }
    }

    // Under the _inFlight lock.
    private long Floor() => Math.Min(_inFlight.Count == 0 ? _log.NextSequence : _inFlight.Min(), _kept.Count == 0 ? long.MaxValue : _kept.Min);

    /// <summary>Appends an intent record; completes when it is durable (the commit point).</summary>
    public Task<long> WriteIntentAsync(byte[] record) => _log.AppendAsync(record);

    /// <summary>Appends the applied mark of <paramref name="id"/>; completes when it is durable.</summary>
    public Task MarkAppliedAsync(Guid id)
    {
        var record = new byte[17];
        record[0] = KindApplied;
        id.TryWriteBytes(record.AsSpan(1));
        return _log.AppendAsync(record);
    }

    public static byte[] EncodeIntent(Guid id, IReadOnlyList<object> operations)
    {
        var w = new ArrayBufferWriter<byte>();
        ValueCodec.WriteByte(w, KindIntent);
        id.TryWriteBytes(w.GetSpan(16));
        w.Advance(16);
        ValueCodec.WriteVarint(w, (ulong)operations.Count);
        foreach (object op in operations)
        {
            switch (op)
            {
                case IntentSend send:
                    ValueCodec.WriteByte(w, OpSend);
                    ValueCodec.WriteString(w, send.TargetPath);
                    ValueCodec.WriteVarint(w, (ulong)send.Positions.Length);
                    foreach (long position in send.Positions)
                    {
                        ValueCodec.WriteVarint(w, (ulong)position);
                    }
                    ValueCodec.WriteVarint(w, (ulong)send.Messages.Count);
                    foreach (byte[] message in send.Messages)
                    {
                        ValueCodec.WriteBytes(w, message);
                    }
                    break;
                case IntentSettlement settle:
                    ValueCodec.WriteByte(w, OpSettle);
                    ValueCodec.WriteString(w, settle.ReceivablePath);
                    ValueCodec.WriteByte(w, (byte)settle.Kind);
                    ValueCodec.WriteVarint(w, (ulong)settle.Partition);
                    ValueCodec.WriteVarint(w, (ulong)settle.Sequence);
                    byte flags = (byte)((settle.Properties is { Count: > 0 } ? HasProperties : 0)
                        | (settle.Reason is not null ? HasReason : 0)
                        | (settle.Description is not null ? HasDescription : 0));
                    ValueCodec.WriteByte(w, flags);
                    if (settle.Properties is { Count: > 0 } properties)
                    {
                        ValueCodec.WriteVarint(w, (ulong)properties.Count);
                        foreach (KeyValuePair<string, object?> kv in properties)
                        {
                            ValueCodec.WriteString(w, kv.Key);
                            ValueCodec.Write(w, kv.Value);
                        }
                    }
                    if (settle.Reason is not null)
                    {
                        ValueCodec.WriteString(w, settle.Reason);
                    }
                    if (settle.Description is not null)
                    {
                        ValueCodec.WriteString(w, settle.Description);
                    }
                    break;
                case IntentStreamCommit commit:
                    ValueCodec.WriteByte(w, OpStreamCommit);
                    ValueCodec.WriteString(w, commit.Stream);
                    ValueCodec.WriteVarint(w, (ulong)commit.Partition);
                    ValueCodec.WriteVarint(w, unchecked((ulong)commit.ProducerId));
                    ValueCodec.WriteVarint(w, unchecked((ushort)commit.ProducerEpoch));
                    ValueCodec.WriteVarint(w, unchecked((ulong)(commit.FirstOffset + 1)));
                    break;
                case IntentOffsets offsets:
                    ValueCodec.WriteByte(w, OpOffsets);
                    ValueCodec.WriteString(w, offsets.Group);
                    ValueCodec.WriteVarint(w, unchecked((ulong)offsets.TimeMs));
                    ValueCodec.WriteVarint(w, (ulong)offsets.Offsets.Count);
                    foreach (Streams.OffsetCommit o in offsets.Offsets)
                    {
                        ValueCodec.WriteString(w, o.Stream);
                        ValueCodec.WriteVarint(w, (ulong)o.Partition);
                        ValueCodec.WriteVarint(w, unchecked((ulong)o.Offset));
                        ValueCodec.WriteByte(w, o.Metadata is null ? (byte)0 : (byte)1);
                        if (o.Metadata is not null)
                        {
                            ValueCodec.WriteString(w, o.Metadata);
                        }
                    }
                    break;
                default:
                    throw new ArgumentException($"Unknown intent operation {op.GetType().Name}.", nameof(operations));
            }
        }
        return w.WrittenSpan.ToArray();
    }

    private static List<object> DecodeOperations(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        int count = checked((int)r.ReadVarint());
        var operations = new List<object>(count);
        for (int i = 0; i < count; i++)
        {
            byte op = r.ReadByte();
            if (op == OpSend)
            {
                string target = r.ReadString();
                var positions = new long[checked((int)r.ReadVarint())];
                for (int p = 0; p < positions.Length; p++)
                {
                    positions[p] = (long)r.ReadVarint();
                }
                int messageCount = checked((int)r.ReadVarint());
                var messages = new List<byte[]>(messageCount);
                for (int m = 0; m < messageCount; m++)
                {
                    messages.Add(r.ReadBytes().ToArray());
                }
                operations.Add(new IntentSend(target, positions, messages));
            }
            else if (op == OpSettle)
            {
                string path = r.ReadString();
                var kind = (SettlementKind)r.ReadByte();
                int partition = checked((int)r.ReadVarint());
                long sequence = (long)r.ReadVarint();
                byte flags = r.ReadByte();
                Dictionary<string, object?>? properties = null;
                if ((flags & HasProperties) != 0)
                {
                    ulong n = r.ReadVarint();
                    properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                    for (ulong p = 0; p < n; p++)
                    {
                        string key = r.ReadString();
                        properties[key] = ValueCodec.Read(ref r);
                    }
                }
                string? reason = (flags & HasReason) != 0 ? r.ReadString() : null;
                string? description = (flags & HasDescription) != 0 ? r.ReadString() : null;
                operations.Add(new IntentSettlement(path, kind, partition, sequence, properties, reason, description));
            }
            else if (op == OpStreamCommit)
            {
                string stream = r.ReadString();
                int partition = checked((int)r.ReadVarint());
                long producerId = unchecked((long)r.ReadVarint());
                short epoch = unchecked((short)(ushort)r.ReadVarint());
                long first = unchecked((long)r.ReadVarint()) - 1;
                operations.Add(new IntentStreamCommit(stream, partition, producerId, epoch, first));
            }
            else if (op == OpOffsets)
            {
                string group = r.ReadString();
                long time = unchecked((long)r.ReadVarint());
                int n = checked((int)r.ReadVarint());
                var commits = new List<Streams.OffsetCommit>(n);
                for (int c = 0; c < n; c++)
                {
                    string stream = r.ReadString();
                    int partition = checked((int)r.ReadVarint());
                    long offset = unchecked((long)r.ReadVarint());
                    string? metadata = r.ReadByte() != 0 ? r.ReadString() : null;
                    commits.Add(new Streams.OffsetCommit(stream, partition, offset, metadata));
                }
                operations.Add(new IntentOffsets(group, time, commits));
            }
            else
            {
                throw new InvalidDataException($"Unknown transaction operation {op}.");
            }
        }
        return operations;
    }

    public void Dispose() => _log.Dispose();
}
