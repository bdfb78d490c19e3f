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
}
