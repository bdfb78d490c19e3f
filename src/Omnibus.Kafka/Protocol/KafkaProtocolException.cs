namespace Omnibus.Kafka.Protocol;

/// <summary>
/// Bytes that are not a Kafka request: a truncated body, a bad length, a size beyond the limit.
/// Kafka closes the connection for these; so does the front-end.
/// </summary>
internal sealed class KafkaProtocolException(string message) : Exception(message)
{
}
