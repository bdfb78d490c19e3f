using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Omnibus.Core.Engine;

namespace Omnibus.Management.Health;

/// <summary>
/// Ready once the host has started (entities loaded, listeners bound) and until it begins to stop;
/// Degraded while the disk is below the free-space floor (receives work, sends are refused) and
/// while a damaged entity is quarantined (the others serve).
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
            if (broker.Quarantined is { Count: > 0 } quarantined)
            {
                return Task.FromResult(HealthCheckResult.Degraded(
                    $"Quarantined (damaged data, refusing traffic): {string.Join(" | ", quarantined.Select(q => $"{q.Kind.ToString().ToLowerInvariant()} {q.Name}: {q.Reason}"))}",
                    data: broker.RepairsAtOpen.Count == 0 ? null : new Dictionary<string, object> { [RepairsKey] = RepairsNote(broker.RepairsAtOpen) }));
            }
            string serving = $"Serving from {broker.DataDirectory}.";
            return Task.FromResult(broker.RepairsAtOpen.Count == 0
                ? HealthCheckResult.Healthy(serving)
                : HealthCheckResult.Healthy(serving, new Dictionary<string, object> { [RepairsKey] = RepairsNote(broker.RepairsAtOpen) }));
        }
        catch (ObjectDisposedException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The broker is closed."));
        }
    }

    /// <summary>The data entry naming the repairs made at open, which the ready answer prints even when healthy.</summary>
    public const string RepairsKey = "repairs";

    // Repairs keep the broker healthy (what they dropped was never confirmed, or they lost nothing), but an operator should see them.
    private static string RepairsNote(IReadOnlyList<StorageRepair> repairs) => repairs.Count switch
    {
        0 => "",
        <= 3 => $"Repaired at open: {string.Join(" | ", repairs.Select(r => r.Describe()))}.",
        _ => $"Repaired at open: {string.Join(" | ", repairs.Take(3).Select(r => r.Describe()))} | and {repairs.Count - 3} more (log event 402).",
    };
}
