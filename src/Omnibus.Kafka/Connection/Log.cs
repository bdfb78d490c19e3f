using Microsoft.Extensions.Logging;

namespace Omnibus.Kafka.Connection;

/// <summary>The Kafka front-end's log lines (event ids 600–699).</summary>
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Debug, "Kafka connection {Connection} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connection, string reason);

    [LoggerMessage(601, LogLevel.Debug, "Kafka connection {Connection} closed: API {Key} version {Version} is not served")]
    public static partial void NotServed(ILogger logger, string connection, short key, short version);

    [LoggerMessage(602, LogLevel.Error, "Kafka request {Key} v{Version} on {Connection} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, short key, short version, string connection);

    [LoggerMessage(603, LogLevel.Information, "Kafka transaction of '{TransactionalId}' timed out: aborted, producer fenced")]
    public static partial void TransactionTimedOut(ILogger logger, string transactionalId);

    [LoggerMessage(604, LogLevel.Warning, "Aborting the Kafka transaction of '{Transaction}' failed")]
    public static partial void TransactionAbortFailed(ILogger logger, Exception exception, string transaction);

    [LoggerMessage(605, LogLevel.Information, "Aborted a Kafka transaction left open in {Topic}/{Partition} by producer {ProducerId}, unknown since a restart")]
    public static partial void OrphanAborted(ILogger logger, string topic, int partition, long producerId);

    [LoggerMessage(606, LogLevel.Debug, "Kafka connection {Connection} closed: API {Key} before SASL authentication")]
    public static partial void Unauthenticated(ILogger logger, string connection, short key);

    [LoggerMessage(607, LogLevel.Warning, "Kafka connection {Connection} from {Remote} failed SASL {Mechanism} authentication: {Reason}")]
    public static partial void SaslFailed(ILogger logger, string connection, string? remote, string? mechanism, string? reason);
}
