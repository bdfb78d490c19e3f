using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Omnibus.Amqp.Listener;

/// <summary>Registers the AMQP 1.0 listener's services (the host also registers the <c>Broker</c> singleton).</summary>
public static class AmqpServiceCollectionExtensions
{
    /// <summary>Adds the listener options (validated now) and the connection handler.</summary>
    public static IServiceCollection AddOmnibusAmqp(this IServiceCollection services, Action<AmqpListenerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new AmqpListenerOptions();
        configure?.Invoke(options);
        options.Validate();
        services.RemoveAll<AmqpListenerOptions>();
        services.AddSingleton(options);
        services.TryAddSingleton<IAmqpListenerObserver, NoAmqpListenerObserver>();
        services.TryAddSingleton<AmqpConnectionHandler>();
        return services;
    }
}
