using Microsoft.AspNetCore.Http;
using Omnibus.Management.Security;

namespace Omnibus.ServiceBus.Security;

/// <summary>HTTP requests authenticate with a shared access signature in the Authorization header, as the administration client sends it.</summary>
internal sealed class SasHttpAuthenticator(SharedAccessSignature signatures) : IHttpAuthenticator
{
    public string? Refuse(HttpRequest request) => signatures.Validate(request.Headers.Authorization).HttpDetail;
}
