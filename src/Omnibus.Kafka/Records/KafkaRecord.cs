namespace Omnibus.Kafka.Records;

/// <summary>One record header: a string key and bytes or null; keys may repeat.</summary>
internal sealed record KafkaHeader(string Key, byte[]? Value);

/// <summary>One record of a batch, its offset and timestamp made absolute.</summary>
internal sealed record KafkaRecord(long OffsetDelta, long Timestamp, byte[]? Key, byte[]? Value, IReadOnlyList<KafkaHeader> Headers);
