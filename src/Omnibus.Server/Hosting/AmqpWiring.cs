using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Amqp.Listener;
using Omnibus.Server.Configuration;
using Omnibus.Transport;

namespace Omnibus.Server.Hosting;

/// <summary>The only place the host touches the AMQP front-end: its services and its Kestrel endpoint.</summary>
internal static class AmqpWiring
{
    /// <summary>Whether this build carries the AMQP listener (kept so the host reads the same with or without it).</summary>
    public static bool Available => true;

    public static void AddServices(IServiceCollection services, OmnibusSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Amqp.Enabled)
        {
            return;
        }
        services.AddSingleton<IAmqpListenerObserver, MetricsAmqpObserver>();
        services.AddOmnibusAmqp(o =>
        {
            o.MaxFrameSize = (uint)settings.Amqp.MaxFrameSize;
            o.MaxMessageSize = (ulong)settings.Amqp.MaxMessageSizeKiB * 1024;
            o.IdleTimeout = settings.Amqp.IdleTimeout;
        });
    }

    /// <summary>
    /// The AMQP port's entry in the transport's listener registry: AMQP 1.0 (and what it refuses).
    /// An AMQP 0-9-1 front-end adds its route here, so both share the port as RabbitMQ does.
    /// </summary>
    public static void UseAmqp(ListenOptions listen) =>
        listen.UseOmnibusTransport(AmqpListenOptionsExtensions.EndpointName, (endpoint, services) => endpoint.AddAmqp10(services));
}
