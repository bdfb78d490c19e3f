using System.Buffers;
using Omnibus.Core.Messages;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// Small per-receivable log for what the delivery-state store does not hold: property changes made
/// by abandon / defer (kind 1: partition, sequence, property map) and session state (kind 2:
/// session id, present flag, bytes). On open the latest value of each wins.
/// </summary>
internal sealed class AuxiliaryLog : IDisposable
{
    private const byte KindOverrides = 1;
    private const byte KindSessionState = 2;
    private readonly IPartitionLog _log;

    public AuxiliaryLog(string directory, BrokerOptions options)
    {
        _log = options.Store.OpenLog(directory, new LogOptions { SegmentSize = 4 * 1024 * 1024, Durability = options.Durability, TimeProvider = options.TimeProvider });
        using ILogReader reader = _log.OpenReader(_log.FirstSequence);
        while (reader.TryRead(out LogRecord record))
        {
            if (record.Body.IsEmpty)
            {
                continue; // emptied by salvage
            }
            var r = new SpanReader(record.Body.Span);
            byte kind = r.ReadByte();
            if (kind == KindOverrides)
            {
                int partition = (int)r.ReadVarint();
                long sequence = (long)r.ReadVarint();
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                ulong count = r.ReadVarint();
                for (ulong i = 0; i < count; i++)
                {
                    string key = r.ReadString();
                    map[key] = ValueCodec.Read(ref r);
                }
                Overrides[(partition, sequence)] = map;
            }
            else if (kind == KindSessionState)
            {
                string session = r.ReadString();
                bool present = r.ReadByte() == 1;
                SessionStates[session] = present ? r.ReadBytes().ToArray() : null;
            }
        }
    }

    /// <summary>Property changes found on open, by (partition, sequence).</summary>
    public Dictionary<(int, long), Dictionary<string, object?>> Overrides { get; } = [];

    /// <summary>Session states found on open.</summary>
    public Dictionary<string, byte[]?> SessionStates { get; } = new(StringComparer.Ordinal);

    public Task SaveOverridesAsync(int partition, long sequence, IDictionary<string, object?> map)
    {
        var w = new ArrayBufferWriter<byte>();
        ValueCodec.WriteByte(w, KindOverrides);
        ValueCodec.WriteVarint(w, (ulong)partition);
        ValueCodec.WriteVarint(w, (ulong)sequence);
        ValueCodec.WriteVarint(w, (ulong)map.Count);
        foreach (KeyValuePair<string, object?> kv in map)
        {
            ValueCodec.WriteString(w, kv.Key);
            ValueCodec.Write(w, kv.Value);
        }
        return _log.AppendAsync(w.WrittenMemory.ToArray());
    }

    public Task SaveSessionStateAsync(string sessionId, byte[]? state)
    {
        var w = new ArrayBufferWriter<byte>();
        ValueCodec.WriteByte(w, KindSessionState);
        ValueCodec.WriteString(w, sessionId);
        ValueCodec.WriteByte(w, state is null ? (byte)0 : (byte)1);
        if (state is not null)
        {
            ValueCodec.WriteBytes(w, state);
        }
        return _log.AppendAsync(w.WrittenMemory.ToArray());
    }

    public void Dispose() => _log.Dispose();
}
