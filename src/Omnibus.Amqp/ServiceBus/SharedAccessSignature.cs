using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Amqp.ServiceBus;

/// <summary>
/// Validates Service Bus SAS tokens: <c>SharedAccessSignature sr=&lt;url-encoded resource&gt;&amp;sig=&lt;url-encoded
/// base64 HMAC-SHA256(key, url-encoded resource + "\n" + expiry)&gt;&amp;se=&lt;unix seconds&gt;&amp;skn=&lt;key name&gt;</c>.
/// The resource is signed exactly as it appears in the token (still encoded), so encoding
/// differences between SDKs do not matter.
/// </summary>
internal static class SharedAccessSignature
{
    private const string Prefix = "SharedAccessSignature ";

    /// <summary>Returns null when the token is valid (and its expiry), else why not.</summary>
    public static string? Validate(string? token, IDictionary<string, string> keys, DateTimeOffset now, out DateTimeOffset expiry)
    {
        expiry = default;
        if (string.IsNullOrEmpty(token) || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "not a SharedAccessSignature token";
        }
        string? resource = null, signature = null, expires = null, keyName = null;
        foreach (string part in token[Prefix.Length..].Split('&'))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            string value = part[(equals + 1)..];
            switch (part[..equals].Trim())
            {
                case "sr": resource = value; break;
                case "sig": signature = value; break;
                case "se": expires = value; break;
                case "skn": keyName = value; break;
            }
        }
        if (resource is null || signature is null || expires is null || keyName is null)
        {
            return "the token lacks sr, sig, se or skn";
        }
        if (!long.TryParse(expires, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
        {
            return "the expiry is not a number";
        }
        expiry = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (expiry <= now)
        {
            return "the token has expired";
        }
        if (!keys.TryGetValue(Uri.UnescapeDataString(keyName), out string? key))
        {
            return "unknown key name";
        }
        byte[] expected;
        using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key)))
        {
            expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(resource + "\n" + expires));
        }
        byte[] actual;
        try
        {
            actual = Convert.FromBase64String(Uri.UnescapeDataString(signature));
        }
        catch (FormatException)
        {
            return "the signature is not base64";
        }
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? null : "the signature does not match";
    }
}
