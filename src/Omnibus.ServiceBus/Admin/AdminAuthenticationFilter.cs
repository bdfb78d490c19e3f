using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Omnibus.Management;
using Omnibus.Management.Metrics;
using Omnibus.Management.Security;

namespace Omnibus.ServiceBus.Admin;

/// <summary>The administration API's refusal: 401 with a Service Bus error body, as the service answers.</summary>
internal sealed class AdminAuthenticationFilter(IOptions<ManagementOptions> options, IHttpAuthenticator authenticator, BrokerMetrics metrics)
    : AuthenticationEndpointFilter(options, authenticator, metrics)
{
    protected override IResult Refused(string reason) => AdminErrors.Result(401, reason);
}
