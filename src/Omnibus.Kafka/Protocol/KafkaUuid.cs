using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Kafka.Protocol;

/// <summary>Kafka's 128-bit id (topic ids): two big-endian 64-bit halves on the wire; all zero means none.</summary>
internal readonly record struct KafkaUuid(ulong High, ulong Low)
{
    public static readonly KafkaUuid Zero;

    public bool IsZero => High == 0 && Low == 0;

    /// <summary>
    /// The id of a topic, derived from its name: the core keeps no id per stream, and a derived one is
    /// the same after a restart without storing anything. A topic deleted and created again keeps its id
    /// (Kafka would give a new one).
    /// </summary>
    public static KafkaUuid ForTopic(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("omnibus-kafka-topic:" + name), hash);
        ulong high = BinaryPrimitives.ReadUInt64BigEndian(hash);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(hash[8..]);
        return new KafkaUuid(high == 0 ? 1 : high, low);
    }
}
