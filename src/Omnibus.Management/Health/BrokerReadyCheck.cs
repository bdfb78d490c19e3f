using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Omnibus.Core.Engine;

namespace Omnibus.Management.Health;

/// <summary>
/// Ready once the host has started (entities loaded, listeners bound) and until it begins to stop;
/// Degraded while the disk is below the free-space floor (receives work, sends are refused).
/// </summary>
internal sealed class BrokerReadyCheck(Broker broker, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Shutting down."));
        }
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Starting."));
        }
        try
        {
            _ = broker.ListQueues();
            if (broker.Space.State is { IsFull: true } space)
            {
                return Task.FromResult(HealthCheckResult.Degraded($"Storage full: new messages are refused until space is freed ({space.Reason ?? "the disk is full"})."));
            }
            return Task.FromResult(HealthCheckResult.Healthy($"Serving from {broker.DataDirectory}."));
        }
        catch (ObjectDisposedException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The broker is closed."));
        }
    }
}
