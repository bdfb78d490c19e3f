using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Omnibus.Transport.Admission;
using Omnibus.Transport.Detection;
using Omnibus.Transport.Limits;

namespace Omnibus.Transport;

/// <summary>Registers the transport's services and puts it on Kestrel endpoints.</summary>
public static class TransportExtensions
{
    /// <summary>
    /// Adds the connection gate (caps, validated now), the resource limits and the listener registry.
    /// The first call wins: a front-end calls it with defaults, a host calls it first with its settings.
    /// </summary>
    public static IServiceCollection AddOmnibusTransport(this IServiceCollection services, Action<ConnectionGateOptions>? configureGate = null, ResourceLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ConnectionGateOptions)))
        {
            return services;
        }
        var options = new ConnectionGateOptions();
        configureGate?.Invoke(options);
        options.Validate();
        (limits ?? ResourceLimits.Default).Validate();
        services.AddSingleton(options);
        services.AddSingleton(limits ?? ResourceLimits.Default);
        services.TryAddSingleton<IConnectionGateObserver, NoConnectionGateObserver>();
        services.AddSingleton(sp => new ConnectionGate(
            sp.GetRequiredService<ConnectionGateOptions>(), sp.GetRequiredService<ILogger<ConnectionGate>>(), sp.GetRequiredService<IConnectionGateObserver>()));
        services.AddSingleton<ListenerRegistry>();
        return services;
    }

    /// <summary>
    /// Serves this Kestrel endpoint through the transport: the connection gate first, then
    /// first-bytes detection over the protocols <paramref name="register"/> adds (the endpoint's
    /// entry in the <see cref="ListenerRegistry"/>). Needs <see cref="AddOmnibusTransport"/>.
    /// TLS, when it comes, is Kestrel's <c>UseHttps</c> called on <paramref name="listen"/> before this.
    /// </summary>
    public static ListenOptions UseOmnibusTransport(this ListenOptions listen, string endpoint, Action<EndpointProtocols, IServiceProvider> register)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(register);
        IServiceProvider services = listen.ApplicationServices;
        EndpointProtocols protocols = services.GetRequiredService<ListenerRegistry>().Endpoint(endpoint);
        register(protocols, services);
        listen.Use(services.GetRequiredService<ConnectionGate>().Middleware(endpoint));
        var detection = new ProtocolDetectionHandler(protocols);
        listen.Use(_ => detection.OnConnectedAsync);
        return listen;
    }

    /// <summary>The gate's authentication feature of a connection, or one that records nothing (a connection not admitted through the gate).</summary>
    public static IConnectionAuthenticationFeature Authentication(this ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Features.Get<IConnectionAuthenticationFeature>() ?? new UngatedAuthentication();
    }

    private sealed class UngatedAuthentication : IConnectionAuthenticationFeature
    {
        public bool IsAuthenticated { get; private set; }

        public void MarkAuthenticated() => IsAuthenticated = true;
    }
}
