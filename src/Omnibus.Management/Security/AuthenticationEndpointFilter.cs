using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Omnibus.Management.Api;
using Omnibus.Management.Metrics;

namespace Omnibus.Management.Security;

/// <summary>
/// Authenticates each request with the registered <see cref="IHttpAuthenticator"/> (remembering the
/// caller for the endpoint, <see cref="HttpCaller"/>) and refuses bad credentials with 401 when
/// authorization is required. Each HTTP surface words the refusal in its own format.
/// </summary>
public abstract class AuthenticationEndpointFilter(IOptions<ManagementOptions> options, IHttpAuthenticator authenticator, BrokerMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (HttpCaller.Authenticate(context.HttpContext, authenticator, options.Value.RequireAuthorization) is { } reason)
        {
            metrics.CountError("Unauthorized");
            return Refused(reason);
        }
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The 401 answer carrying <paramref name="reason"/>.</summary>
    protected abstract IResult Refused(string reason);
}

/// <summary>The JSON API's refusal: <c>{"code": "Unauthorized", "error": reason}</c>.</summary>
internal sealed class ApiAuthenticationFilter(IOptions<ManagementOptions> options, IHttpAuthenticator authenticator, BrokerMetrics metrics)
    : AuthenticationEndpointFilter(options, authenticator, metrics)
{
    protected override IResult Refused(string reason) => Results.Json(new ApiError("Unauthorized", reason), statusCode: 401);
}
