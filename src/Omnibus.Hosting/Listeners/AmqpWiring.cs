using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Amqp.Listener;
using Omnibus.Transport;

namespace Omnibus.Hosting.Listeners;

/// <summary>The only place the host touches the AMQP front-end: its services and its Kestrel endpoint.</summary>
internal static class AmqpWiring
{
    public static void AddServices(IServiceCollection services, AmqpEndpointOptions amqp)
    {
        services.AddSingleton<IAmqpListenerObserver, MetricsAmqpObserver>();
        services.AddOmnibusAmqp(amqp.Configure);
    }

    /// <summary>
    /// The AMQP port's entry in the transport's listener registry: AMQP 1.0 (and what it refuses).
    /// An AMQP 0-9-1 front-end adds its route here, so both share the port as RabbitMQ does.
    /// </summary>
    public static void UseAmqp(ListenOptions listen) =>
        listen.UseOmnibusTransport(AmqpListenOptionsExtensions.EndpointName, (endpoint, services) => endpoint.AddAmqp10(services));
}
