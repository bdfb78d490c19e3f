using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Omnibus.Management.Atom;
using Omnibus.Management.Metrics;

namespace Omnibus.Management.Security;

/// <summary>Refuses administration and management requests without a valid shared access signature (401, as Service Bus answers).</summary>
internal sealed class SasEndpointFilter(IOptions<ManagementOptions> options, TimeProvider clock, BrokerMetrics metrics) : IEndpointFilter
{
    private readonly SasValidator _validator = new(options.Value.SharedAccessKeys, clock);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (options.Value.RequireAuthorization)
        {
            string? reason = _validator.Validate(context.HttpContext.Request.Headers.Authorization);
            if (reason is not null)
            {
                metrics.CountError("Unauthorized");
                return AdminErrors.Result(401, reason);
            }
        }
        return await next(context).ConfigureAwait(false);
    }
}
