using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Amqp.Listener;
using Omnibus.Amqp091;
using Omnibus.Transport;

namespace Omnibus.Hosting.Listeners;

/// <summary>The only place the host touches the AMQP front-end: its services and its Kestrel endpoint.</summary>
internal static class AmqpWiring
{
    public static void AddServices(IServiceCollection services, AmqpEndpointOptions amqp)
    {
        services.AddSingleton<IAmqpListenerObserver, MetricsAmqpObserver>();
        services.AddOmnibusAmqp(amqp.Configure);
        services.AddOmnibusAmqp091();
    }

    /// <summary>
    /// The AMQP port's entry in the transport's listener registry: RabbitMQ's AMQP 0-9-1 and AMQP 1.0
    /// share it by protocol header, as in RabbitMQ; AMQP 1.0 answers anything else with its header.
    /// </summary>
    public static void UseAmqp(ListenOptions listen) =>
        listen.UseOmnibusTransport(AmqpListenOptionsExtensions.EndpointName, (endpoint, services) => endpoint.AddAmqp091(services).AddAmqp10(services));
}
