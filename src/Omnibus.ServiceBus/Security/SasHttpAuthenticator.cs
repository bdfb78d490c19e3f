using Microsoft.AspNetCore.Http;
using Omnibus.Core.Security;
using Omnibus.Management.Security;

namespace Omnibus.ServiceBus.Security;

/// <summary>HTTP requests authenticate with a shared access signature in the Authorization header, as the administration client sends it.</summary>
internal sealed class SasHttpAuthenticator(SharedAccessSignature signatures) : IHttpAuthenticator
{
    public HttpAuthentication Authenticate(HttpRequest request)
    {
        SasCheck check = signatures.Validate(request.Headers.Authorization);
        return check.IsValid ? new HttpAuthentication(new CallerIdentity(check.KeyName!, "sas"), null) : new HttpAuthentication(null, check.HttpDetail);
    }
}
