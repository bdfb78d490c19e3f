using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Omnibus.Management.Api;
using Omnibus.Management.Metrics;

namespace Omnibus.Management.Security;

/// <summary>Refuses /api requests whose credentials the registered <see cref="IHttpAuthenticator"/> refuses (401).</summary>
internal sealed class AuthenticationEndpointFilter(IOptions<ManagementOptions> options, IHttpAuthenticator authenticator, BrokerMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (HttpCaller.Authenticate(context.HttpContext, authenticator, options.Value.RequireAuthorization) is { } reason)
        {
            metrics.CountError("Unauthorized");
            return Results.Json(new ApiError("Unauthorized", reason), statusCode: 401);
        }
        return await next(context).ConfigureAwait(false);
    }
}
