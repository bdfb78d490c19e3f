using System.Security.Cryptography;
using System.Text;
using Omnibus.Kafka.Protocol;
using Omnibus.Kafka.Security;

namespace Omnibus.Kafka.Tests;

/// <summary>The SASL exchange on its own: RFC 5802's SCRAM steps computed by a client written from the RFC, and PLAIN's token.</summary>
public sealed class ScramExchangeTests
{
    private static SaslAuthenticator Authenticator(string mechanism)
    {
        var options = new KafkaSaslOptions();
        options.Mechanisms.Add(mechanism);
        options.Users["user"] = "pencil";
        var sasl = new SaslAuthenticator(new KafkaUsers(options));
        Assert.Equal(ErrorCode.None, sasl.Select(mechanism));
        return sasl;
    }

    [Theory]
    [InlineData(KafkaSaslOptions.ScramSha256)]
    [InlineData(KafkaSaslOptions.ScramSha512)]
    public void A_client_proof_from_the_right_password_authenticates_and_the_server_signature_verifies(string mechanism)
    {
        SaslAuthenticator sasl = Authenticator(mechanism);
        HashAlgorithmName hash = mechanism == KafkaSaslOptions.ScramSha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
        (string clientFinal, byte[] serverKey, string authMessage) = ClientFinal(sasl, hash, "pencil");

        SaslStep last = sasl.Step(Encoding.UTF8.GetBytes(clientFinal));

        Assert.Equal(ErrorCode.None, last.Error);
        Assert.True(sasl.IsAuthenticated);
        Assert.Equal("user", sasl.User);
        Assert.Equal("v=" + Convert.ToBase64String(ScramHash.Hmac(hash, serverKey, Encoding.UTF8.GetBytes(authMessage))), Encoding.UTF8.GetString(last.Response));
    }

    [Fact]
    public void A_proof_from_another_password_fails_and_authenticates_nobody()
    {
        SaslAuthenticator sasl = Authenticator(KafkaSaslOptions.ScramSha256);
        (string clientFinal, _, _) = ClientFinal(sasl, HashAlgorithmName.SHA256, "not-pencil");

        SaslStep last = sasl.Step(Encoding.UTF8.GetBytes(clientFinal));

        Assert.Equal(ErrorCode.SaslAuthenticationFailed, last.Error);
        Assert.False(sasl.IsAuthenticated);
    }

    [Theory]
    [InlineData("n,,n=nobody,r=abc")]
    [InlineData("p=tls-unique,,n=user,r=abc")]
    [InlineData("n,,r=abc")]
    [InlineData("garbage")]
    public void An_unknown_user_or_a_malformed_first_message_fails(string clientFirst)
    {
        SaslAuthenticator sasl = Authenticator(KafkaSaslOptions.ScramSha256);

        Assert.Equal(ErrorCode.SaslAuthenticationFailed, sasl.Step(Encoding.UTF8.GetBytes(clientFirst)).Error);
    }

    [Theory]
    [InlineData("\0user\0pencil", true)]
    [InlineData("user\0user\0pencil", true)]
    [InlineData("\0user\0pencils", false)]
    [InlineData("other\0user\0pencil", false)]
    [InlineData("\0user", false)]
    public void Plain_accepts_only_the_users_own_password(string token, bool accepted)
    {
        SaslAuthenticator sasl = Authenticator(KafkaSaslOptions.Plain);

        SaslStep step = sasl.Step(Encoding.UTF8.GetBytes(token));

        Assert.Equal(accepted ? ErrorCode.None : ErrorCode.SaslAuthenticationFailed, step.Error);
        Assert.Equal(accepted, sasl.IsAuthenticated);
    }

    [Fact]
    public void A_mechanism_not_enabled_is_unsupported_and_a_second_handshake_is_illegal()
    {
        var options = new KafkaSaslOptions();
        options.Mechanisms.Add(KafkaSaslOptions.Plain);
        var sasl = new SaslAuthenticator(new KafkaUsers(options));

        Assert.Equal(ErrorCode.UnsupportedSaslMechanism, sasl.Select("GSSAPI"));
        Assert.Equal(ErrorCode.None, sasl.Select(KafkaSaslOptions.Plain));
        Assert.Equal(ErrorCode.IllegalSaslState, sasl.Select(KafkaSaslOptions.Plain));
    }

    /// <summary>Runs the client's first step and computes its final message as RFC 5802 section 3 defines it.</summary>
    private static (string ClientFinal, byte[] ServerKey, string AuthMessage) ClientFinal(SaslAuthenticator sasl, HashAlgorithmName hash, string password)
    {
        const string clientFirstBare = "n=user,r=fyko+d2lbbFgONRv9qkxdawL";
        SaslStep first = sasl.Step(Encoding.UTF8.GetBytes("n,," + clientFirstBare));
        Assert.Equal(ErrorCode.None, first.Error);
        string serverFirst = Encoding.UTF8.GetString(first.Response);
        Dictionary<char, string> fields = serverFirst.Split(',').ToDictionary(p => p[0], p => p[2..]);
        Assert.StartsWith("fyko+d2lbbFgONRv9qkxdawL", fields['r'], StringComparison.Ordinal);
        Assert.Equal("4096", fields['i']);

        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(fields['s']), 4096, hash, ScramHash.Length(hash));
        byte[] clientKey = ScramHash.Hmac(hash, salted, "Client Key"u8);
        byte[] storedKey = ScramHash.Hash(hash, clientKey);
        byte[] serverKey = ScramHash.Hmac(hash, salted, "Server Key"u8);
        string withoutProof = $"c=biws,r={fields['r']}";
        string authMessage = $"{clientFirstBare},{serverFirst},{withoutProof}";
        byte[] signature = ScramHash.Hmac(hash, storedKey, Encoding.UTF8.GetBytes(authMessage));
        byte[] proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        return ($"{withoutProof},p={Convert.ToBase64String(proof)}", serverKey, authMessage);
    }
}
