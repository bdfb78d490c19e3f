using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Omnibus.Core;
using Omnibus.Management.Metrics;

namespace Omnibus.Management.Api;

/// <summary>Turns core errors into JSON answers <c>{"code": "...", "error": "..."}</c> with the status the ATOM API uses.</summary>
internal sealed class ApiErrorFilter(BrokerMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (MessagingException e)
        {
            metrics.CountError(e.Code.ToString());
            return Results.Json(new ApiError(e.Code.ToString(), e.Message), statusCode: ErrorStatus.Of(e.Code));
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or BadHttpRequestException)
        {
            metrics.CountError("BadRequest");
            return Results.Json(new ApiError("BadRequest", e.Message), statusCode: 400);
        }
    }
}

/// <summary>The body of a failed JSON API call.</summary>
public sealed record ApiError(string Code, string Error);
