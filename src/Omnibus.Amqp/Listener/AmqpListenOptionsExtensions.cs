using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Transport;
using Omnibus.Transport.Detection;

namespace Omnibus.Amqp.Listener;

/// <summary>Puts the AMQP 1.0 listener on a Kestrel endpoint, through the shared transport.</summary>
public static class AmqpListenOptionsExtensions
{
    /// <summary>The endpoint name the AMQP listener registers under when it serves an endpoint alone.</summary>
    public const string EndpointName = "amqp";

    /// <summary>
    /// Serves AMQP 1.0 on this endpoint through the transport (connection gate, first-bytes
    /// detection), with the dialect registered as the application. Needs
    /// <see cref="AmqpServiceCollectionExtensions.AddOmnibusAmqp"/>. A host that serves more
    /// protocols on the port calls <c>UseOmnibusTransport</c> itself and adds <see cref="AddAmqp10"/> there.
    /// </summary>
    public static ListenOptions UseOmnibusAmqp(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        return listenOptions.UseOmnibusTransport(EndpointName, (endpoint, services) => endpoint.AddAmqp10(services));
    }

    /// <summary>
    /// Adds AMQP 1.0 to an endpoint: connections starting with its headers (plain <c>AMQP\x00\x01\x00\x00</c>,
    /// SASL <c>AMQP\x03\x01\x00\x00</c>, TLS <c>AMQP\x02\x01\x00\x00</c>, which the engine refuses today) go to the
    /// engine, and so does anything no other protocol on the endpoint claims: the engine answers it
    /// with the header it supports and closes (spec part 2, 2.2), as for an AMQP 0-9-1 header while
    /// no 0-9-1 front-end is registered.
    /// </summary>
    public static EndpointProtocols AddAmqp10(this EndpointProtocols endpoint, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        AmqpConnectionHandler handler = services.GetRequiredService<AmqpConnectionHandler>();
        return endpoint
            .Add(ProtocolRoute.ForHeaders("amqp-1.0", handler.OnConnectedAsync, "AMQP\x00\x01\x00\x00"u8.ToArray(), "AMQP\x03\x01\x00\x00"u8.ToArray(), "AMQP\x02\x01\x00\x00"u8.ToArray()))
            .RefuseOthersWith(handler.OnConnectedAsync);
    }
}
