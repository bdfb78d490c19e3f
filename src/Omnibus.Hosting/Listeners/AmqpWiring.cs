using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Amqp.Listener;

namespace Omnibus.Hosting.Listeners;

/// <summary>The only place the host touches the AMQP front-end: its services and its Kestrel endpoint.</summary>
internal static class AmqpWiring
{
    public static void AddServices(IServiceCollection services, AmqpEndpointOptions amqp)
    {
        services.AddSingleton<IAmqpListenerObserver, MetricsAmqpObserver>();
        services.AddOmnibusAmqp(amqp.Configure);
    }

    public static void UseAmqp(ListenOptions listen) => listen.UseOmnibusAmqp();
}
