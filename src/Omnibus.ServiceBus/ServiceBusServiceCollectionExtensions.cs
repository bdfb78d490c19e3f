using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnibus.Amqp.Connection;
using Omnibus.Core.Engine;
using Omnibus.Management.Security;
using Omnibus.ServiceBus.Admin;
using Omnibus.ServiceBus.Amqp;
using Omnibus.ServiceBus.Security;

namespace Omnibus.ServiceBus;

/// <summary>Registers the Service Bus dialect: the application the AMQP 1.0 engine serves, and shared access signatures for AMQP and HTTP.</summary>
public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>Adds the dialect's services (the host registers the <see cref="Broker"/> and the AMQP listener).</summary>
    public static IServiceCollection AddOmnibusServiceBus(this IServiceCollection services, Action<ServiceBusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ServiceBusOptions();
        configure?.Invoke(options);
        options.Validate();
        var keys = new Dictionary<string, string>(options.SharedAccessKeys, StringComparer.Ordinal);
        services.RemoveAll<ServiceBusOptions>();
        services.AddSingleton(options);
        services.TryAddSingleton(sp => new SharedAccessSignature(keys, sp.GetRequiredService<Broker>().Options.TimeProvider));
        services.TryAddSingleton<IHttpAuthenticator, SasHttpAuthenticator>();
        services.TryAddSingleton<AdminAuthenticationFilter>();
        services.TryAddSingleton<IAmqpApplication>(sp => new ServiceBusApplication(sp.GetRequiredService<Broker>(), sp.GetRequiredService<SharedAccessSignature>()));
        return services;
    }
}
