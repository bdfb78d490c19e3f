using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.LoadTest;

/// <summary>A Service Bus shared-access-signature token, as the SDKs compute it.</summary>
internal static class SasToken
{
    public static string Create(string resource, string keyName, string key, TimeSpan validFor)
    {
        string encoded = Uri.EscapeDataString(resource);
        string expiry = DateTimeOffset.UtcNow.Add(validFor).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encoded + "\n" + expiry));
        return $"SharedAccessSignature sr={encoded}&sig={Uri.EscapeDataString(Convert.ToBase64String(signature))}&se={expiry}&skn={keyName}";
    }
}
