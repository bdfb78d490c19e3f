using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp091.Connection;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091;

/// <summary>Serves AMQP 0-9-1 connections handed over by the transport's protocol detection.</summary>
public sealed class Amqp091ConnectionHandler(Broker broker, Amqp091Options options, ILogger<Amqp091ConnectionHandler> logger, TimeProvider clock, Amqp091ConnectionRegistry registry)
{
    private int _predeclared;

    public async Task OnConnectedAsync(ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Predeclare();
        using var connection = new Amqp091Connection(context, broker, options, logger, clock, registry);
        await connection.RunAsync().ConfigureAwait(false);
    }

    /// <summary>The exchanges every RabbitMQ vhost has (amq.direct, amq.fanout, amq.topic, amq.headers, amq.match).</summary>
    internal void Predeclare()
    {
        if (Interlocked.Exchange(ref _predeclared, 1) == 1)
        {
            return;
        }
        foreach ((string name, string type) in new[] { ("amq.direct", ExchangeTypes.Direct), ("amq.fanout", ExchangeTypes.Fanout), ("amq.topic", ExchangeTypes.Topic), ("amq.headers", ExchangeTypes.Headers), ("amq.match", ExchangeTypes.Headers) })
        {
            try
            {
                broker.DeclareExchange(new ExchangeDescription { Name = name, Type = type, Durable = true });
            }
            catch (MessagingException e)
            {
                logger.LogWarning(e, "Could not declare {Exchange}.", name);
            }
        }
    }
}
