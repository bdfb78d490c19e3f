using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Core.Engine;
using Omnibus.Kafka.Connection;

namespace Omnibus.Kafka;

/// <summary>Serves Kafka connections handed over by the transport (the Kafka port has no other protocol).</summary>
public sealed class KafkaConnectionHandler : IDisposable
{
    private readonly KafkaServices _services;

    public KafkaConnectionHandler(Broker broker, KafkaOptions options, ILogger<KafkaConnectionHandler> logger, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _services = new KafkaServices(broker, options, clock, logger);
    }

    /// <summary>The open connections with their client ids and client software (ApiVersions v3).</summary>
    public IReadOnlyCollection<KafkaClientInfo> Connections => [.. _services.Connections.Values];

    public async Task OnConnectedAsync(ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var connection = new KafkaConnection(context, _services);
        await connection.RunAsync().ConfigureAwait(false);
    }

    public void Dispose() => _services.Dispose();
}
