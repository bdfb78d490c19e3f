using Microsoft.Extensions.Time.Testing;
using Omnibus.ServiceBus.Security;

namespace Omnibus.Server.Tests;

public sealed class SasValidatorTests
{
    private static readonly Dictionary<string, string> Keys = new() { ["RootManageSharedAccessKey"] = "SAS_KEY_VALUE" };

    [Fact]
    public void A_token_signed_with_a_known_key_is_accepted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string token = SharedAccessSignature.CreateToken("http://localhost:5300/orders", "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), clock);
        Assert.Null(new SharedAccessSignature(Keys, clock).Validate(token).HttpDetail);
    }

    [Fact]
    public void Expired_forged_unknown_and_missing_tokens_are_refused_with_a_reason()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var validator = new SharedAccessSignature(Keys, clock);
        string token = SharedAccessSignature.CreateToken("http://localhost:5300/orders", "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), clock);
        Assert.Contains("signature", validator.Validate(token.Replace("sig=", "sig=x", StringComparison.Ordinal)).HttpDetail, StringComparison.Ordinal);
        Assert.Contains("Unknown", validator.Validate(SharedAccessSignature.CreateToken("r", "other", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), clock)).HttpDetail, StringComparison.Ordinal);
        Assert.Contains("required", validator.Validate(null).HttpDetail, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Contains("expired", validator.Validate(token).HttpDetail, StringComparison.Ordinal);
    }
}
