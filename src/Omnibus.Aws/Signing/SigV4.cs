using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Aws.Signing;

/// <summary>
/// The pieces of AWS Signature Version 4 (canonical request, string to sign, signing key, signature), pure
/// functions of their inputs so they are tested against AWS's published examples. The verifier builds on them.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The hash of an empty payload, which GET requests sign.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// The canonical request: method, canonical URI (each raw path segment encoded once more, as every
    /// service but S3 signs), canonical query (decoded pairs re-encoded and sorted), the signed headers'
    /// lower-case names with trimmed values, their list, and the payload hash.
    /// </summary>
    public static string CanonicalRequest(string method, string rawPath, IEnumerable<KeyValuePair<string, string>> query, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var b = new StringBuilder(256);
        b.Append(method).Append('\n');
        b.Append(CanonicalUri(rawPath)).Append('\n');
        b.Append(CanonicalQuery(query)).Append('\n');
        foreach (KeyValuePair<string, string> h in headers)
        {
            b.Append(h.Key).Append(':').Append(TrimValue(h.Value)).Append('\n');
        }
        b.Append('\n');
        b.Append(string.Join(';', headers.Select(h => h.Key))).Append('\n');
        b.Append(payloadHash);
        return b.ToString();
    }

    public static string CanonicalUri(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
        {
            return "/";
        }
        string[] segments = rawPath.Split('/');
        return string.Join('/', segments.Select(s => UriEncode(s, encodeSlash: true)));
    }

    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query
            .Select(p => (Key: UriEncode(p.Key, true), Value: UriEncode(p.Value, true)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    /// <summary>Leading and trailing spaces removed, inner runs of spaces collapsed to one.</summary>
    public static string TrimValue(string value)
    {
        string t = value.Trim();
        if (!t.Contains("  ", StringComparison.Ordinal))
        {
            return t;
        }
        var b = new StringBuilder(t.Length);
        bool space = false;
        foreach (char c in t)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    b.Append(c);
                }
                space = true;
            }
            else
            {
                b.Append(c);
                space = false;
            }
        }
        return b.ToString();
    }

    /// <summary>RFC 3986 encoding: unreserved characters stay, every other UTF-8 byte becomes %XX (upper case).</summary>
    public static string UriEncode(string value, bool encodeSlash)
    {
        var b = new StringBuilder(value.Length + 8);
        foreach (byte c in Encoding.UTF8.GetBytes(value))
        {
            if (c is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~'
                || (c == '/' && !encodeSlash))
            {
                b.Append((char)c);
            }
            else
            {
                b.Append('%').Append(c.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return b.ToString();
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        Algorithm + "\n" + amzDate + "\n" + scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        byte[] k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(k, "aws4_request"u8);
    }

    public static string Signature(byte[] signingKey, string stringToSign) =>
        Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string PayloadHash(ReadOnlySpan<byte> body) => Hex(SHA256.HashData(body));

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
