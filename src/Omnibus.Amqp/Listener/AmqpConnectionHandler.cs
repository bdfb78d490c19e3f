using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp.Connection;
using Omnibus.Transport.Limits;

namespace Omnibus.Amqp.Listener;

/// <summary>The AMQP 1.0 protocol handler: one <see cref="AmqpConnection"/> per connection the transport routes here.</summary>
public sealed class AmqpConnectionHandler : ConnectionHandler
{
    private readonly IAmqpApplication _application;
    private readonly AmqpListenerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IAmqpListenerObserver _observer;
    private readonly ResourceLimits _limits;

    /// <summary>Created by DI: the dialect on top of the engine, the listener options, logging, the operations observer, the transport's resource limits.</summary>
    internal AmqpConnectionHandler(IAmqpApplication application, AmqpListenerOptions options, ILoggerFactory loggerFactory, IAmqpListenerObserver observer, ResourceLimits limits)
    {
        _application = application;
        _options = options;
        _loggerFactory = loggerFactory;
        _observer = observer;
        _limits = limits;
    }

    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var amqp = new AmqpConnection(connection, _application, _options, _loggerFactory.CreateLogger<AmqpConnection>(), _limits) { Observer = _observer };
        await amqp.RunAsync().ConfigureAwait(false);
    }
}
