using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnibus.Transport;
using Omnibus.Transport.Limits;

namespace Omnibus.Amqp.Listener;

/// <summary>
/// Registers the AMQP 1.0 listener's services. A dialect registers the application the engine
/// serves (for example <c>AddOmnibusServiceBus</c>); the engine itself knows no broker.
/// </summary>
public static class AmqpServiceCollectionExtensions
{
    /// <summary>Adds the listener options (validated now), the connection handler and, unless the host added it first with its settings, the transport with its defaults.</summary>
    public static IServiceCollection AddOmnibusAmqp(this IServiceCollection services, Action<AmqpListenerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new AmqpListenerOptions();
        configure?.Invoke(options);
        options.Validate();
        services.RemoveAll<AmqpListenerOptions>();
        services.AddSingleton(options);
        services.AddOmnibusTransport();
        services.TryAddSingleton<IAmqpListenerObserver, NoAmqpListenerObserver>();
        services.TryAddSingleton(sp => new AmqpConnectionHandler(
            sp.GetRequiredService<Connection.IAmqpApplication>(), sp.GetRequiredService<AmqpListenerOptions>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), sp.GetRequiredService<IAmqpListenerObserver>(),
            sp.GetRequiredService<ResourceLimits>()));
        return services;
    }
}
