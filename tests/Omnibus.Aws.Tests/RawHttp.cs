using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Omnibus.Aws.Signing;

namespace Omnibus.Aws.Tests;

/// <summary>Hand-made, correctly signed SQS requests, for the bad input an SDK never sends.</summary>
internal static class RawHttp
{
    public static HttpRequestMessage Signed(Uri endpoint, string? target, byte[] body, string secret = "test", string contentType = "application/x-amz-json-1.0", string service = "sqs")
    {
        string amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string host = endpoint.Authority;
        var headers = new List<KeyValuePair<string, string>> { new("content-type", contentType), new("host", host), new("x-amz-date", amzDate) };
        if (target is not null)
        {
            headers.Add(new("x-amz-target", target));
        }
        string scope = $"{amzDate[..8]}/us-east-1/{service}/aws4_request";
        string canonical = SigV4.CanonicalRequest("POST", "/", [], headers, SigV4.PayloadHash(body));
        string signature = SigV4.Signature(SigV4.SigningKey(secret, amzDate[..8], "us-east-1", service), SigV4.StringToSign(amzDate, scope, canonical));
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("x-amz-target", target);
        }
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=test/{scope}, SignedHeaders={string.Join(';', headers.Select(h => h.Key))}, Signature={signature}");
        return request;
    }

    public static HttpRequestMessage Signed(Uri endpoint, string target, string json) => Signed(endpoint, target, Encoding.UTF8.GetBytes(json));

    /// <summary>A signed SNS query-protocol request: a form post of the parameters given.</summary>
    public static HttpRequestMessage SignedForm(Uri endpoint, IEnumerable<KeyValuePair<string, string>> parameters, string secret = "test", string service = "sns") =>
        Signed(endpoint, null, Encoding.UTF8.GetBytes(string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)))),
            secret, "application/x-www-form-urlencoded; charset=utf-8", service);
}
