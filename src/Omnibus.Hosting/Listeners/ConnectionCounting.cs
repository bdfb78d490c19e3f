using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Omnibus.Management.Metrics;

namespace Omnibus.Hosting.Listeners;

/// <summary>Kestrel connection middleware that counts open and accepted connections, and the bytes they carry, per listener for /metrics.</summary>
internal static class ConnectionCounting
{
    public static ListenOptions CountConnections(this ListenOptions listen, string listener)
    {
        listen.Use(next => async connection =>
        {
            BrokerMetrics metrics = listen.ApplicationServices.GetRequiredService<BrokerMetrics>();
            using IDisposable open = metrics.TrackConnection(listener);
            (Action<long> received, Action<long> sent) = metrics.NetworkBytes(listener);
            connection.Transport = new CountingDuplexPipe(connection.Transport, received, sent);
            await next(connection).ConfigureAwait(false);
        });
        return listen;
    }
}
