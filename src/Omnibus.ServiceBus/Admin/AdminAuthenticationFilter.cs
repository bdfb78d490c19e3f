using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Omnibus.Management;
using Omnibus.Management.Metrics;
using Omnibus.Management.Security;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Refuses administration requests without valid credentials with 401 and a Service Bus error body, as the service answers.</summary>
internal sealed class AdminAuthenticationFilter(IOptions<ManagementOptions> options, IHttpAuthenticator authenticator, BrokerMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (HttpCaller.Authenticate(context.HttpContext, authenticator, options.Value.RequireAuthorization) is { } reason)
        {
            metrics.CountError("Unauthorized");
            return AdminErrors.Result(401, reason);
        }
        return await next(context).ConfigureAwait(false);
    }
}
