using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Omnibus.Amqp.Connection;

namespace Omnibus.Amqp.Listener;

/// <summary>Kestrel's entry point: one <see cref="AmqpConnection"/> per accepted socket.</summary>
public sealed class AmqpConnectionHandler : ConnectionHandler
{
    private readonly IAmqpApplication _application;
    private readonly AmqpListenerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IAmqpListenerObserver _observer;

    /// <summary>Created by DI: the dialect on top of the engine, the listener options, logging, the operations observer.</summary>
    internal AmqpConnectionHandler(IAmqpApplication application, AmqpListenerOptions options, ILoggerFactory loggerFactory, IAmqpListenerObserver observer)
    {
        _application = application;
        _options = options;
        _loggerFactory = loggerFactory;
        _observer = observer;
    }

    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var amqp = new AmqpConnection(connection, _application, _options, _loggerFactory.CreateLogger<AmqpConnection>()) { Observer = _observer };
        await amqp.RunAsync().ConfigureAwait(false);
    }
}
