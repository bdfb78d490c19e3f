using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Omnibus.Amqp091.Management;

/// <summary>The management API's request and response conventions: raw path segments, JSON bodies, RabbitMQ's error shape.</summary>
internal static class ManagementHttp
{
    /// <summary>
    /// The path's segments after <c>/api/</c>, each percent-decoded once. Read from the raw request target, because
    /// the server decodes every escape but <c>%2F</c> in the path, which would decode a name containing <c>%</c> twice.
    /// </summary>
    public static string[] Segments(HttpContext http)
    {
        string raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        int query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }
        string[] parts = raw.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int start = Array.IndexOf(parts, "api") + 1;
        return [.. parts.Skip(start).Select(Uri.UnescapeDataString)];
    }

    /// <summary>The segment at <paramref name="index"/> after <c>/api/</c>.</summary>
    public static string Segment(HttpContext http, int index) => Segments(http)[index];

    /// <summary>Names and reasons as they are (RabbitMQ escapes no quotes or non-ASCII letters); the body is JSON, never HTML.</summary>
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Content(node.ToJsonString(Output), "application/json", System.Text.Encoding.UTF8, status);

    public static IResult Error(int status, string error, string reason) =>
        Json(new JsonObject { ["error"] = error, ["reason"] = reason }, status);

    public static IResult NotFound() => Error(StatusCodes.Status404NotFound, "Object Not Found", "Not Found");

    public static IResult BadRequest(string reason) => Error(StatusCodes.Status400BadRequest, "bad_request", reason);

    public static bool Flag(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var v) && string.Equals(v.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    public static int? Int(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var v) && int.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <summary>A rate in RabbitMQ's shape: <c>{"rate": r}</c>.</summary>
    public static JsonObject Details(double rate) => new() { ["rate"] = Math.Round(rate, 2) };

    /// <summary>Milliseconds since the Unix epoch, as RabbitMQ's timestamps.</summary>
    public static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
