using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Server.Configuration;

namespace Omnibus.Server.Hosting;

/// <summary>
/// The only place the host touches the AMQP front-end. The AMQP listener (src/Omnibus.Amqp) is not in the
/// tree yet, so the AMQP port is reserved but serves nothing; this file switches to
/// <c>services.AddOmnibusAmqp</c> / <c>listenOptions.UseOmnibusAmqp()</c> once it lands.
/// </summary>
internal static class AmqpWiring
{
    /// <summary>Whether this build carries the AMQP listener; without it the AMQP port is not opened at all.</summary>
    public static bool Available => false;

    public static void AddServices(IServiceCollection services, OmnibusSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
    }

    public static void UseAmqp(ListenOptions listen) => ArgumentNullException.ThrowIfNull(listen);
}
