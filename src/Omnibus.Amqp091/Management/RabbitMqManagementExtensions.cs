using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Omnibus.Amqp091.Management;

/// <summary>
/// Registers RabbitMQ's management HTTP API and gives it its endpoint: requests on a listener marked with
/// <see cref="UseRabbitMqManagement(ListenOptions)"/> are answered by this API alone (its own routing, so its
/// <c>/api/queues</c> never meets the Omnibus JSON API's), and it answers on no other listener.
/// </summary>
public static class RabbitMqManagementExtensions
{
    /// <summary>The API's services; needs the AMQP 0-9-1 front-end's (<see cref="Amqp091Extensions.AddOmnibusAmqp091"/>), a broker and a clock.</summary>
    public static IServiceCollection AddOmnibusRabbitMqManagement(this IServiceCollection services, Action<RabbitMqManagementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RabbitMqManagementOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddOmnibusAmqp091();
        services.TryAddSingleton(options);
        services.TryAddSingleton<MessageRates>();
        services.TryAddSingleton<ManagementState>();
        services.AddRouting();
        return services;
    }

    /// <summary>Marks every connection of this listener as the management API's.</summary>
    public static ListenOptions UseRabbitMqManagement(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Features.Set(ManagementEndpointFeature.Instance);
            return next(connection);
        });
        return listen;
    }

    /// <summary>Answers the management listener's requests (before anything else in the pipeline); other requests go on. Starts the rate sampling.</summary>
    public static IApplicationBuilder UseRabbitMqManagement(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.ApplicationServices.GetRequiredService<MessageRates>();
        return app.MapWhen(
            http => http.Features.Get<ManagementEndpointFeature>() is not null,
            branch =>
            {
                // The host's own routing ran first and may have matched an endpoint of the Omnibus JSON API
                // (it too has /api/queues): forget it, so this branch's routing matches against its own routes only.
                branch.Use((http, next) =>
                {
                    http.SetEndpoint(null);
                    http.Request.RouteValues.Clear();
                    return next(http);
                });
                branch.UseRouting();
                branch.UseEndpoints(ManagementRoutes.Map);
                branch.Run(http =>
                {
                    // No route: RabbitMQ's 404 shape (a known path with another method is 405, from routing).
                    IResult notFound = ManagementHttp.NotFound();
                    return notFound.ExecuteAsync(http);
                });
            });
    }
}

/// <summary>The mark on a connection accepted by the management listener.</summary>
internal sealed class ManagementEndpointFeature
{
    public static readonly ManagementEndpointFeature Instance = new();
}
