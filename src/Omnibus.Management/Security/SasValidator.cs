using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Management.Security;

/// <summary>
/// Checks Service Bus shared access signatures (<c>SharedAccessSignature sr=..&amp;sig=..&amp;se=..&amp;skn=..</c>):
/// HMAC-SHA256 with the named key over the URL-encoded resource, a newline and the expiry. The resource is
/// not matched against the request, since every key here grants the whole namespace.
/// </summary>
public sealed class SasValidator(IReadOnlyDictionary<string, string> keys, TimeProvider clock)
{
    public const string Scheme = "SharedAccessSignature";

    /// <summary>Returns null when the token is good, else the reason it is refused.</summary>
    public string? Validate(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith(Scheme + " ", StringComparison.Ordinal))
        {
            return "A SharedAccessSignature authorization header is required.";
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in header[(Scheme.Length + 1)..].Split('&'))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[pair[..eq]] = pair[(eq + 1)..];
            }
        }
        if (!fields.TryGetValue("sr", out string? sr) || !fields.TryGetValue("sig", out string? sig)
            || !fields.TryGetValue("se", out string? se) || !fields.TryGetValue("skn", out string? skn))
        {
            return "The shared access signature lacks sr, sig, se or skn.";
        }
        if (!keys.TryGetValue(WebUtility.UrlDecode(skn), out string? key))
        {
            return $"Unknown shared access key name '{WebUtility.UrlDecode(skn)}'.";
        }
        if (!long.TryParse(se, NumberStyles.Integer, CultureInfo.InvariantCulture, out long expiry) || expiry < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return "The shared access signature has expired.";
        }
        string expected = Sign(key, sr, se);
        byte[] a = Encoding.UTF8.GetBytes(expected), b = Encoding.UTF8.GetBytes(WebUtility.UrlDecode(sig));
        return CryptographicOperations.FixedTimeEquals(a, b) ? null : "The shared access signature does not match the key.";
    }

    /// <summary>Signs <c>encodedResource + "\n" + expiry</c> as the Service Bus SDKs do.</summary>
    public static string Sign(string key, string encodedResource, string expiry)
    {
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry));
        return Convert.ToBase64String(mac);
    }

    /// <summary>Builds a token for <paramref name="resource"/> valid for <paramref name="lifetime"/> (used by the CLI).</summary>
    public static string CreateToken(string resource, string keyName, string key, TimeSpan lifetime, TimeProvider clock)
    {
        string sr = WebUtility.UrlEncode(resource);
        string se = (clock.GetUtcNow() + lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{Scheme} sr={sr}&sig={WebUtility.UrlEncode(Sign(key, sr, se))}&se={se}&skn={WebUtility.UrlEncode(keyName)}";
    }
}
