using Microsoft.Extensions.Logging;
using Omnibus.Amqp.Listener;
using Omnibus.Core.Security;
using Omnibus.Hosting;
using Omnibus.Storage;

namespace Omnibus.Testing;

/// <summary>How <see cref="OmnibusTestBroker"/> starts its broker. Every listener binds 127.0.0.1 on a free port.</summary>
public sealed class OmnibusTestBrokerOptions
{
    /// <summary>The data directory; null (the default) creates a fresh temporary one, deleted on dispose unless <see cref="KeepDataDirectory"/>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Keeps a temporary data directory after dispose (to look at it after a failing test). A directory given in <see cref="DataDirectory"/> is never deleted.</summary>
    public bool KeepDataDirectory { get; set; }

    /// <summary>
    /// Keeps everything in memory instead of a data directory: nothing touches the disk, and
    /// <see cref="OmnibusTestBroker.RestartAsync"/> still finds every entity and message (the store
    /// lives as long as the test broker). Default false.
    /// </summary>
    public bool InMemory { get; set; }

    /// <summary>
    /// When appends are confirmed. <c>none</c> by default, as tests rarely need fsync: a restart through
    /// <see cref="OmnibusTestBroker.RestartAsync"/> still keeps every message, since stopping flushes the logs.
    /// </summary>
    public DurabilityPolicy Durability { get; set; } = DurabilityPolicy.None;

    /// <summary>The broker's clock; give a <c>FakeTimeProvider</c> to move locks, TTLs and schedules by hand.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Decides every call's access; allow-all when null.</summary>
    public IAuthorizationHook? Authorization { get; set; }

    /// <summary>Shared access keys (name to key); the emulator's <c>RootManageSharedAccessKey</c> / <c>SAS_KEY_VALUE</c> when empty.</summary>
    public IDictionary<string, string> SharedAccessKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A Service Bus emulator <c>Config.json</c> whose queues, topics and subscriptions exist once started.</summary>
    public string? EntitiesFile { get; set; }

    /// <summary>Whether the management HTTP listener (administration API, /health, /metrics) runs.</summary>
    public bool EnableHttp { get; set; } = true;

    /// <summary>Whether the Kafka listener runs (on 127.0.0.1 at a free port, <see cref="OmnibusTestBroker.KafkaBootstrapServers"/>).</summary>
    public bool EnableKafka { get; set; } = true;

    /// <summary>Whether the HTTP administration API asks for a shared access signature.</summary>
    public bool RequireHttpAuthorization { get; set; } = true;

    /// <summary>Whether the Amazon SQS listener runs. Default true.</summary>
    public bool EnableAws { get; set; } = true;

    /// <summary>Whether RabbitMQ's management HTTP API runs (on 127.0.0.1 at a free port, <see cref="OmnibusTestBroker.RabbitMqManagementUrl"/>). Default true.</summary>
    public bool EnableRabbitMqManagement { get; set; } = true;

    /// <summary>SQS front-end settings (access keys, clock skew).</summary>
    public Action<Aws.AwsOptions>? Aws { get; set; }

    /// <summary>AMQP engine settings (frame size, message size, idle timeout).</summary>
    public Action<AmqpListenerOptions>? Amqp { get; set; }

    /// <summary>Logging; nothing is logged unless this adds a provider.</summary>
    public Action<ILoggingBuilder>? Logging { get; set; }

    /// <summary>Any other host option, applied last (listener addresses and ports are the test broker's own).</summary>
    public Action<OmnibusHostOptions>? Host { get; set; }
}
