using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Omnibus.Amqp091.Codec;
using Omnibus.Core;
using Omnibus.Core.Security;

namespace Omnibus.Amqp091.Management;

/// <summary>
/// HTTP basic authentication against the RabbitMQ users (<see cref="Amqp091Users"/>, the same rule as the AMQP
/// login): no or wrong credentials are 401 with a <c>WWW-Authenticate</c> challenge, as RabbitMQ answers.
/// </summary>
internal sealed class ManagementAuthenticationFilter(ManagementState state) : IEndpointFilter
{
    private const string UserKey = "omnibus-rabbitmq-user";

    public static CallerIdentity Caller(HttpContext http) => new((string)http.Items[UserKey]!, "rabbitmq-management-basic");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        (string? user, string? password) = Credentials(http);
        switch (Amqp091Users.Check(state.Amqp, user, password, http.Connection.RemoteIpAddress))
        {
            case LoginOutcome.Accepted:
                http.Items[UserKey] = user;
                return await next(context).ConfigureAwait(false);
            case LoginOutcome.GuestFromRemote:
                return Challenge(http, "User can only log in via localhost");
            default:
                return Challenge(http, "Login failed");
        }
    }

    private static IResult Challenge(HttpContext http, string reason)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"RabbitMQ Management\"";
        return ManagementHttp.Error(StatusCodes.Status401Unauthorized, "not_authorized", reason);
    }

    private static (string?, string?) Credentials(HttpContext http)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out AuthenticationHeaderValue? header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return (null, null);
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return (null, null);
        }
        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (null, null) : (decoded[..colon], decoded[(colon + 1)..]);
    }
}

/// <summary>The core's and the 0-9-1 rules' errors as RabbitMQ's management API answers them: 404, 400 or 403 with <c>{"error","reason"}</c>.</summary>
internal sealed class ManagementErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Amqp091Exception e)
        {
            return e.Code switch
            {
                ReplyCodes.NotFound => ManagementHttp.NotFound(),
                ReplyCodes.AccessRefused => ManagementHttp.Error(StatusCodes.Status403Forbidden, "access_refused", Reason(e.Message)),
                _ => ManagementHttp.BadRequest(Reason(e.Message)),
            };
        }
        catch (MessagingException e)
        {
            return e.Code switch
            {
                MessagingErrorCode.EntityNotFound => ManagementHttp.NotFound(),
                MessagingErrorCode.Unauthorized => ManagementHttp.Error(StatusCodes.Status403Forbidden, "access_refused", e.Message),
                MessagingErrorCode.QuotaExceeded or MessagingErrorCode.StorageFull => ManagementHttp.Error(StatusCodes.Status503ServiceUnavailable, "resource_error", e.Message),
                _ => ManagementHttp.BadRequest(e.Message),
            };
        }
        catch (System.Text.Json.JsonException e)
        {
            return ManagementHttp.BadRequest("the body is not valid JSON: " + e.Message);
        }
    }

    /// <summary>The text after RabbitMQ's reply-code word (<c>PRECONDITION_FAILED - inequivalent arg ...</c>).</summary>
    private static string Reason(string text) => text.IndexOf(" - ", StringComparison.Ordinal) is int i and >= 0 ? text[(i + 3)..] : text;
}
