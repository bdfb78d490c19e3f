using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omnibus.Aws.Http;
using Omnibus.Aws.Sns;
using Omnibus.Aws.Sqs;

namespace Omnibus.Aws;

/// <summary>
/// Registers the AWS front-end and gives it an endpoint: connections accepted on a listener marked with
/// <see cref="UseOmnibusAws(ListenOptions)"/> are answered by SQS and SNS, and nothing else answers there; requests on
/// other listeners pass by untouched.
/// </summary>
public static class AwsExtensions
{
    /// <summary>The services of the front-end; needs a <see cref="Core.Engine.Broker"/> and a <see cref="TimeProvider"/> in the container.</summary>
    public static IServiceCollection AddOmnibusAws(this IServiceCollection services, Action<AwsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new AwsOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<SqsService>();
        services.TryAddSingleton<SnsService>();
        services.TryAddSingleton<AwsRequestHandler>();
        return services;
    }

    /// <summary>Marks every connection of this listener as the AWS endpoint's.</summary>
    public static ListenOptions UseOmnibusAws(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Features.Set(AwsEndpointFeature.Instance);
            return next(connection);
        });
        return listen;
    }

    /// <summary>Answers the requests of the AWS endpoint's connections (before routing reaches any other surface); other requests go on.</summary>
    public static IApplicationBuilder UseOmnibusAws(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        AwsRequestHandler handler = app.ApplicationServices.GetRequiredService<AwsRequestHandler>();
        return app.Use((HttpContext context, RequestDelegate next) =>
            context.Features.Get<AwsEndpointFeature>() is null ? next(context) : handler.HandleAsync(context));
    }
}

/// <summary>The mark on a connection accepted by the AWS listener.</summary>
internal sealed class AwsEndpointFeature
{
    public static readonly AwsEndpointFeature Instance = new();
}
