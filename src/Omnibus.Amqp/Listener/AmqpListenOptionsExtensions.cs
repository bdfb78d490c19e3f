using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Omnibus.Amqp.Listener;

/// <summary>Puts the AMQP 1.0 listener on a Kestrel endpoint.</summary>
public static class AmqpListenOptionsExtensions
{
    /// <summary>Serves AMQP 1.0 on this endpoint, with the dialect registered as the application. Needs <see cref="AmqpServiceCollectionExtensions.AddOmnibusAmqp"/>.</summary>
    public static ListenOptions UseOmnibusAmqp(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.UseConnectionHandler<AmqpConnectionHandler>();
        return listenOptions;
    }
}
