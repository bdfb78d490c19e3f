using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Omnibus.Aws.Signing;

namespace Omnibus.Aws.Tests;

/// <summary>Hand-made, correctly signed SQS requests, for the bad input an SDK never sends.</summary>
internal static class RawHttp
{
    public static HttpRequestMessage Signed(Uri endpoint, string? target, byte[] body, string secret = "test", string contentType = "application/x-amz-json-1.0")
    {
        string amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string host = endpoint.Authority;
        var headers = new List<KeyValuePair<string, string>> { new("content-type", contentType), new("host", host), new("x-amz-date", amzDate) };
        if (target is not null)
        {
            headers.Add(new("x-amz-target", target));
        }
        string scope = $"{amzDate[..8]}/us-east-1/sqs/aws4_request";
        string canonical = SigV4.CanonicalRequest("POST", "/", [], headers, SigV4.PayloadHash(body));
        string signature = SigV4.Signature(SigV4.SigningKey(secret, amzDate[..8], "us-east-1", "sqs"), SigV4.StringToSign(amzDate, scope, canonical));
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
}
