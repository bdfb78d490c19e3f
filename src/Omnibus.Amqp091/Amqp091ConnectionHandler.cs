using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp091.Connection;

namespace Omnibus.Amqp091;

/// <summary>Serves AMQP 0-9-1 connections handed over by the transport's protocol detection.</summary>
public sealed class Amqp091ConnectionHandler(Amqp091Options options, ILogger<Amqp091ConnectionHandler> logger, TimeProvider clock, Amqp091ConnectionRegistry registry)
{
    public async Task OnConnectedAsync(ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var connection = new Amqp091Connection(context, options, logger, clock, registry);
        await connection.RunAsync().ConfigureAwait(false);
    }
}
