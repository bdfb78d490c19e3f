using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.ServiceBus.Security;

/// <summary>
/// The one check of Service Bus shared access signatures, used by $cbs put-token, SASL PLAIN and
/// the HTTP surfaces alike: <c>SharedAccessSignature sr=&lt;url-encoded resource&gt;&amp;sig=&lt;url-encoded
/// base64 HMAC-SHA256(key, url-encoded resource + "\n" + expiry)&gt;&amp;se=&lt;unix seconds&gt;&amp;skn=&lt;key name&gt;</c>.
/// The resource is signed exactly as it appears in the token (still encoded), so encoding
/// differences between SDKs do not matter. Every key grants the whole namespace for now; the
/// resource is returned so that rights per entity can be checked by the authorization hook.
/// </summary>
public sealed class SharedAccessSignature(IReadOnlyDictionary<string, string> keys, TimeProvider clock)
{
    public const string Scheme = "SharedAccessSignature";

    private const string Prefix = Scheme + " ";

    /// <summary>Checks a token; the result says why it was refused, or until when it is good.</summary>
    public SasCheck Validate(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return SasCheck.Refused(SasFailure.Missing, "a SharedAccessSignature token is required");
        }
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return SasCheck.Refused(SasFailure.Malformed, "not a SharedAccessSignature token");
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
            return SasCheck.Refused(SasFailure.Malformed, "the token lacks sr, sig, se or skn");
        }
        if (!long.TryParse(expires, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
        {
            return SasCheck.Refused(SasFailure.Malformed, "the expiry is not a number");
        }
        DateTimeOffset expiry = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (expiry <= clock.GetUtcNow())
        {
            return SasCheck.Refused(SasFailure.Expired, "the token has expired");
        }
        string name = Uri.UnescapeDataString(keyName);
        if (!keys.TryGetValue(name, out string? key))
        {
            return SasCheck.Refused(SasFailure.UnknownKey, "unknown key name", name);
        }
        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(resource + "\n" + expires));
        byte[] actual;
        try
        {
            actual = Convert.FromBase64String(Uri.UnescapeDataString(signature));
        }
        catch (FormatException)
        {
            return SasCheck.Refused(SasFailure.BadSignature, "the signature is not base64", name);
        }
        return CryptographicOperations.FixedTimeEquals(expected, actual)
            ? new SasCheck(null, null, expiry, name, Uri.UnescapeDataString(resource))
            : SasCheck.Refused(SasFailure.BadSignature, "the signature does not match", name);
    }

    /// <summary>A key name and the key itself (SASL PLAIN), compared in constant time.</summary>
    public bool CheckKey(string keyName, ReadOnlySpan<byte> key) =>
        keys.TryGetValue(keyName, out string? expected) && CryptographicOperations.FixedTimeEquals(key, Encoding.UTF8.GetBytes(expected));

    /// <summary>Signs <c>encodedResource + "\n" + expiry</c> as the Service Bus SDKs do.</summary>
    public static string Sign(string key, string encodedResource, string expiry)
    {
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry));
        return Convert.ToBase64String(mac);
    }

    /// <summary>Builds a token for <paramref name="resource"/> valid for <paramref name="lifetime"/> (used by the CLI).</summary>
    public static string CreateToken(string resource, string keyName, string key, TimeSpan lifetime, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        string sr = WebUtility.UrlEncode(resource);
        string se = (clock.GetUtcNow() + lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{Scheme} sr={sr}&sig={WebUtility.UrlEncode(Sign(key, sr, se))}&se={se}&skn={WebUtility.UrlEncode(keyName)}";
    }
}

/// <summary>Why a token was refused.</summary>
public enum SasFailure
{
    Missing,
    Malformed,
    Expired,
    UnknownKey,
    BadSignature,
}

/// <summary>The outcome of a token check: refused with a reason, or good until <see cref="Expiry"/> for <see cref="Resource"/>.</summary>
public readonly record struct SasCheck(SasFailure? Failure, string? Reason, DateTimeOffset Expiry, string? KeyName, string? Resource)
{
    public bool IsValid => Failure is null;

    internal static SasCheck Refused(SasFailure failure, string reason, string? keyName = null) => new(failure, reason, default, keyName, null);

    /// <summary>The refusal as the HTTP surfaces word it (the administration API's error detail).</summary>
    public string? HttpDetail => Failure switch
    {
        null => null,
        SasFailure.Missing => "A SharedAccessSignature authorization header is required.",
        SasFailure.UnknownKey => $"Unknown shared access key name '{KeyName}'.",
        _ => string.Concat(Reason![..1].ToUpperInvariant(), Reason[1..], "."),
    };
}
