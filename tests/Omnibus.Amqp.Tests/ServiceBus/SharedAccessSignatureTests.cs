using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Omnibus.ServiceBus.Security;

namespace Omnibus.Amqp.Tests.ServiceBus;

public sealed class SharedAccessSignatureTests
{
    private static readonly Dictionary<string, string> Keys = new() { ["RootManageSharedAccessKey"] = "SAS_KEY_VALUE" };
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SharedAccessSignature Signatures = new(Keys, new FakeTimeProvider(Now));

    /// <summary>Signs the way the SDKs do: HMAC-SHA256 over the url-encoded resource, a newline and the expiry.</summary>
    private static string Token(string resource, DateTimeOffset expiry, string keyName = "RootManageSharedAccessKey", string key = "SAS_KEY_VALUE")
    {
        string encoded = WebUtility.UrlEncode(resource);
        string se = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        string sig = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(encoded + "\n" + se)));
        return $"SharedAccessSignature sr={encoded}&sig={WebUtility.UrlEncode(sig)}&se={se}&skn={keyName}";
    }

    [Fact]
    public void A_token_signed_with_a_configured_key_is_valid_until_its_expiry()
    {
        DateTimeOffset expiry = Now.AddHours(1);
        SasCheck check = Signatures.Validate(Token("amqps://localhost/", expiry));
        Assert.Null(check.Reason);
        Assert.Equal(expiry, check.Expiry);
    }

    [Fact]
    public void An_expired_token_is_refused() =>
        Assert.Equal("the token has expired", Signatures.Validate(Token("sb://localhost/q", Now.AddSeconds(-1))).Reason);

    [Fact]
    public void A_token_signed_with_another_key_is_refused() =>
        Assert.Equal("the signature does not match", Signatures.Validate(Token("sb://localhost/q", Now.AddHours(1), key: "WRONG")).Reason);

    [Fact]
    public void A_token_naming_an_unknown_key_is_refused() =>
        Assert.Equal("unknown key name", Signatures.Validate(Token("sb://localhost/q", Now.AddHours(1), keyName: "other")).Reason);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("SharedAccessSignature sr=a&se=1")]
    [InlineData("SharedAccessSignature sr=a&sig=%%%&se=99999999999&skn=RootManageSharedAccessKey")]
    public void Malformed_tokens_are_refused_without_throwing(string? token) =>
        Assert.NotNull(Signatures.Validate(token).Reason);
}
