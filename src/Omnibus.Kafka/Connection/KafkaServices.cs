using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Groups;
using Omnibus.Kafka.Producers;

namespace Omnibus.Kafka.Connection;

/// <summary>What every connection's handlers share: the broker, the settings, the group coordinator, producer state.</summary>
internal sealed class KafkaServices(Broker broker, KafkaOptions options, TimeProvider clock, ILogger logger) : IDisposable
{
    public Broker Broker { get; } = broker;

    public StreamRegistry Streams => Broker.Streams;

    public KafkaOptions Options { get; } = options;

    public TimeProvider Clock { get; } = clock;

    public ILogger Logger { get; } = logger;

    public GroupCoordinator Groups { get; } = new(options, clock);

    public ProducerStateTable Producers { get; } = new(clock);

    /// <summary>Open connections: client id and client software, for the connection list.</summary>
    public ConcurrentDictionary<string, KafkaClientInfo> Connections { get; } = new();

    /// <summary>The stream of that name, or null.</summary>
    public MessageStream? FindStream(string name)
    {
        try
        {
            return Streams.Get(name);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return null;
        }
    }

    public void Dispose() => Groups.Dispose();
}

/// <summary>One connection as the connection list shows it.</summary>
public sealed record KafkaClientInfo(string ConnectionId, string? RemoteAddress)
{
    public string? ClientId { get; set; }

    public string? SoftwareName { get; set; }

    public string? SoftwareVersion { get; set; }
}
