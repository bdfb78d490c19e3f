using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Groups;
using Omnibus.Kafka.Producers;
using Omnibus.Kafka.Transactions;

namespace Omnibus.Kafka.Connection;

/// <summary>What every connection's handlers share: the broker, the settings, the group and transaction coordinators, producer state.</summary>
internal sealed class KafkaServices : IDisposable
{
    public KafkaServices(Broker broker, KafkaOptions options, TimeProvider clock, ILogger logger)
    {
        Broker = broker;
        Options = options;
        Clock = clock;
        Logger = logger;
        Groups = new(options, clock);
        Producers = new(clock);
        Transactions = new(broker, Producers, clock, logger);
        Users = new(options.Sasl);
    }

    /// <summary>The users SASL checks.</summary>
    public Security.KafkaUsers Users { get; }

    public Broker Broker { get; }

    public StreamRegistry Streams => Broker.Streams;

    public KafkaOptions Options { get; }

    public TimeProvider Clock { get; }

    public ILogger Logger { get; }

    public GroupCoordinator Groups { get; }

    public ProducerStateTable Producers { get; }

    public TransactionCoordinator Transactions { get; }

    /// <summary>Open connections: client id and client software, for the connection list.</summary>
    public ConcurrentDictionary<string, KafkaClientInfo> Connections { get; } = new();

    /// <summary>The stream of that name, or null (also when it is quarantined: <see cref="Core.Streams.StreamRegistry.IsQuarantined"/>).</summary>
    public MessageStream? FindStream(string name)
    {
        try
        {
            return Streams.Get(name);
        }
        catch (MessagingException e) when (e.Code is MessagingErrorCode.EntityNotFound or MessagingErrorCode.EntityDisabled)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Groups.Dispose();
        Transactions.Dispose();
    }
}

/// <summary>One connection as the connection list shows it.</summary>
public sealed record KafkaClientInfo(string ConnectionId, string? RemoteAddress)
{
    public string? ClientId { get; set; }

    public string? SoftwareName { get; set; }

    public string? SoftwareVersion { get; set; }

    /// <summary>Who authenticated through SASL; null on a PLAINTEXT listener.</summary>
    public string? User { get; set; }
}
