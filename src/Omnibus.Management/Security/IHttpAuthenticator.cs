using Microsoft.AspNetCore.Http;
using Omnibus.Core.Security;

namespace Omnibus.Management.Security;

/// <summary>
/// Checks the credentials of an HTTP request to the management surfaces. The host registers the
/// implementation (today the Service Bus shared access signature, the same check AMQP uses).
/// </summary>
public interface IHttpAuthenticator
{
    /// <summary>Who the request's credentials name, or why they are refused.</summary>
    HttpAuthentication Authenticate(HttpRequest request);
}

/// <summary>The caller a request authenticated as, or the reason it was refused (then <see cref="Caller"/> is null).</summary>
public readonly record struct HttpAuthentication(CallerIdentity? Caller, string? Refusal);

/// <summary>The caller of the current request, as the authentication filter found it (anonymous when authorization is off and none was given).</summary>
public static class HttpCaller
{
    private const string Key = "omnibus.caller";

    /// <summary>Runs the authenticator: the refusal when authorization is required and it failed, else null with the caller remembered.</summary>
    public static string? Authenticate(HttpContext context, IHttpAuthenticator authenticator, bool required)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authenticator);
        HttpAuthentication result = authenticator.Authenticate(context.Request);
        if (result.Caller is { } caller)
        {
            context.Items[Key] = caller;
            return null;
        }
        return required ? result.Refusal : null;
    }

    public static CallerIdentity Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out object? value) && value is CallerIdentity caller ? caller : CallerIdentity.Anonymous;
    }
}
