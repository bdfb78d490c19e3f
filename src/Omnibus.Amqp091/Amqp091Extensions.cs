using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnibus.Transport.Detection;

namespace Omnibus.Amqp091;

/// <summary>Registers the AMQP 0-9-1 front-end and adds its route to an endpoint (port 5672, shared with AMQP 1.0 by the protocol header).</summary>
public static class Amqp091Extensions
{
    /// <summary>The services of the front-end; needs a <see cref="Core.Engine.Broker"/> (vhost <c>/</c>) and a <see cref="TimeProvider"/> in the container, and takes the <see cref="Core.Engine.NamespaceRegistry"/> for the other vhosts when there is one.</summary>
    public static IServiceCollection AddOmnibusAmqp091(this IServiceCollection services, Action<Amqp091Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new Amqp091Options();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        // The namespace registry is optional: a broker hosted without one serves vhost '/' alone.
        services.TryAddSingleton(sp => new Vhosts(sp.GetRequiredService<Core.Engine.Broker>(), sp.GetService<Core.Engine.NamespaceRegistry>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Vhosts>>()));
        services.TryAddSingleton<Connection.Amqp091ConnectionRegistry>();
        services.TryAddSingleton<Amqp091ConnectionHandler>();
        return services;
    }

    /// <summary>Connections that start with <c>AMQP\x00\x00\x09\x01</c> go to the 0-9-1 front-end. Add before AMQP 1.0's catch-all refusal.</summary>
    public static EndpointProtocols AddAmqp091(this EndpointProtocols endpoint, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Amqp091ConnectionHandler handler = services.GetRequiredService<Amqp091ConnectionHandler>();
        return endpoint.Add(ProtocolRoute.ForHeaders("amqp-0-9-1", handler.OnConnectedAsync, "AMQP\x00\x00\x09\x01"u8.ToArray()));
    }
}
