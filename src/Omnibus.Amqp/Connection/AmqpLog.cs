using Microsoft.Extensions.Logging;

namespace Omnibus.Amqp.Connection;

/// <summary>Source-generated log messages of the AMQP listener (event ids 6000-6099).</summary>
internal static partial class AmqpLog
{
    [LoggerMessage(6000, LogLevel.Debug, "AMQP connection {ConnectionId} opened by container {ContainerId}")]
    public static partial void Opened(ILogger logger, string connectionId, string containerId);

    [LoggerMessage(6001, LogLevel.Debug, "AMQP connection {ConnectionId} closed")]
    public static partial void Closed(ILogger logger, string connectionId);

    [LoggerMessage(6002, LogLevel.Information, "AMQP connection {ConnectionId} closed with {Condition}: {Description}")]
    public static partial void ClosedWithError(ILogger logger, string connectionId, string condition, string description);

    [LoggerMessage(6003, LogLevel.Error, "AMQP connection {ConnectionId} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(6004, LogLevel.Debug, "AMQP link {LinkName} on {Address} detached with {Condition}: {Description}")]
    public static partial void LinkDetached(ILogger logger, string linkName, string? address, string condition, string description);

    [LoggerMessage(6005, LogLevel.Error, "AMQP link {LinkName} failed unexpectedly")]
    public static partial void LinkUnexpected(ILogger logger, string linkName, Exception exception);

    [LoggerMessage(6006, LogLevel.Debug, "AMQP connection {ConnectionId} refused protocol header {Header}")]
    public static partial void RefusedHeader(ILogger logger, string connectionId, string header);

    [LoggerMessage(6007, LogLevel.Information, "AMQP put-token refused for {Audience}: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string audience, string reason);

    [LoggerMessage(6008, LogLevel.Error, "AMQP management operation {Operation} failed unexpectedly")]
    public static partial void ManagementUnexpected(ILogger logger, string operation, Exception exception);
}
