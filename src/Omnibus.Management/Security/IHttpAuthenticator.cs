using Microsoft.AspNetCore.Http;

namespace Omnibus.Management.Security;

/// <summary>
/// Checks the credentials of an HTTP request to the management surfaces. The host registers the
/// implementation (today the Service Bus shared access signature, the same check AMQP uses).
/// </summary>
public interface IHttpAuthenticator
{
    /// <summary>Null when the request's credentials are good, else the reason it is refused.</summary>
    string? Refuse(HttpRequest request);
}
