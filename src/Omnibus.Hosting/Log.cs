using Microsoft.Extensions.Logging;

namespace Omnibus.Hosting;

/// <summary>The server's log events (stable ids: 1xx start-up, 2xx shutdown, 3xx entities, 4xx storage).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Omnibus opened {DataDirectory} in {ElapsedMs} ms: {Queues} queues, {Topics} topics, durability {Durability}")]
    public static partial void BrokerOpened(ILogger logger, string dataDirectory, long elapsedMs, int queues, int topics, string durability);

    [LoggerMessage(101, LogLevel.Information, "Listening: HTTP (administration, /api, /metrics, /health) on {HttpEndpoint}; AMQP on {AmqpEndpoint}")]
    public static partial void Listening(ILogger logger, string httpEndpoint, string amqpEndpoint);

    [LoggerMessage(104, LogLevel.Information, "Listening: Amazon SQS (AWS SDKs, SigV4) on {AwsEndpoint}")]
    public static partial void ListeningAws(ILogger logger, string awsEndpoint);

    [LoggerMessage(105, LogLevel.Information, "Listening: Kafka (bootstrap.servers) on {KafkaEndpoint}")]
    public static partial void ListeningKafka(ILogger logger, string kafkaEndpoint);

    [LoggerMessage(106, LogLevel.Information, "Listening: RabbitMQ management API on {ManagementEndpoint}")]
    public static partial void ListeningRabbitMqManagement(ILogger logger, string managementEndpoint);

    [LoggerMessage(102, LogLevel.Information, "Ready in {ElapsedMs} ms after process start")]
    public static partial void Ready(ILogger logger, long elapsedMs);

    [LoggerMessage(103, LogLevel.Warning, "AMQP is disabled (Omnibus:Amqp:Enabled=false); only the HTTP surfaces are served")]
    public static partial void AmqpDisabled(ILogger logger);

    [LoggerMessage(200, LogLevel.Information, "Stopping: listeners closed, flushing and closing the store")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(201, LogLevel.Information, "Stopped cleanly")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(300, LogLevel.Information, "Entities file: {Kind} {Name} {Action}")]
    public static partial void EntityProvisioned(ILogger logger, string kind, string name, string action);

    [LoggerMessage(400, LogLevel.Warning, "Storage full: new messages are refused until space is freed ({FreeBytes} bytes free, floor {FloorBytes} bytes): {Reason}")]
    public static partial void StorageFull(ILogger logger, long freeBytes, long floorBytes, string reason);

    [LoggerMessage(402, LogLevel.Warning, "Storage repaired at open: {Repair}")]
    public static partial void StorageRepaired(ILogger logger, string repair);

    [LoggerMessage(403, LogLevel.Error, "Quarantined {Kind} {Name}: its stored data is damaged and it refuses traffic until it is recovered (omnibus quarantine recover), the file is restored (and the broker restarted) or the entity is deleted: {Reason}")]
    public static partial void EntityQuarantined(ILogger logger, string kind, string name, string reason);

    [LoggerMessage(405, LogLevel.Warning, "Committed transaction {Id} waits for quarantined {Entities}: applied to every other entity, the rest is applied when they are recovered or deleted")]
    public static partial void TransactionWaiting(ILogger logger, Guid id, string entities);

    [LoggerMessage(401, LogLevel.Information, "Storage space is back: new messages are accepted again ({FreeBytes} bytes free, floor {FloorBytes} bytes)")]
    public static partial void StorageSpaceReturned(ILogger logger, long freeBytes, long floorBytes);
}
