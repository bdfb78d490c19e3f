using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Omnibus.Core.Engine;
using Omnibus.Management.Api;
using Omnibus.Management.Health;
using Omnibus.Management.Metrics;
using Omnibus.Management.Security;
using Prometheus;

namespace Omnibus.Management;

/// <summary>Registers and maps the protocol-neutral HTTP surfaces: health, /metrics and the JSON /api (front-ends map their own, e.g. the Service Bus administration API).</summary>
public static class ManagementEndpoints
{
    /// <summary>Adds the services the HTTP surfaces need. The host registers the <see cref="Broker"/> and an <see cref="IHttpAuthenticator"/>.</summary>
    public static IServiceCollection AddOmnibusManagement(this IServiceCollection services, Action<ManagementOptions>? configure = null)
    {
        services.AddOptions<ManagementOptions>().Configure(o => configure?.Invoke(o));
        services.AddSingleton(sp => new BrokerMetrics(sp.GetRequiredService<Broker>()));
        services.AddSingleton<ApiAuthenticationFilter>();
        services.AddSingleton<ApiErrorFilter>();
        services.AddHealthChecks().AddCheck<BrokerReadyCheck>("broker", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// "Healthy" alone when all is well (as the default writer); otherwise the status and why
    /// ("Degraded: Storage full: ..."), so an operator reading the probe sees the reason. Degraded
    /// stays 200: the broker still serves receives and settlements. Repairs storage made when the
    /// broker opened follow the status in every case ("Healthy: Repaired at open: ...").
    /// </summary>
    private static Task WriteStatusAndReason(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain";
        string text = report.Status.ToString();
        string[] reasons =
        [
            .. report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy && e.Description is not null).Select(e => e.Description!),
            .. report.Entries.Values.Select(e => e.Data.GetValueOrDefault(BrokerReadyCheck.RepairsKey) as string).OfType<string>(),
        ];
        if (reasons.Length > 0)
        {
            text += ": " + string.Join(" ", reasons);
        }
        return context.Response.WriteAsync(text);
    }

    /// <summary>Maps /health/live, /health/ready, /metrics and /api/....</summary>
    public static void MapOmnibusManagement(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteStatusAndReason });
        app.MapMetrics("/metrics", app.Services.GetRequiredService<BrokerMetrics>().Registry);
        RouteGroupBuilder api = app.MapGroup("/api").AddEndpointFilter<ApiAuthenticationFilter>().AddEndpointFilter<ApiErrorFilter>();
        EntityApi.Map(api);
        MessageApi.Map(api);
        NamespaceApi.Map(api);
        QuarantineApi.Map(api);
    }
}
