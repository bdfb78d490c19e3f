using System.Security.Cryptography;
using System.Text;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Security;

/// <summary>The answer to one SaslAuthenticate token: an error (the connection then closes) or the server's token.</summary>
internal readonly record struct SaslStep(ErrorCode Error, string? Message, byte[] Response);

/// <summary>
/// One connection's SASL exchange: the mechanism SaslHandshake chose, then each SaslAuthenticate token.
/// PLAIN takes one token (<c>authzid NUL user NUL password</c>); SCRAM-SHA-256/512 two (RFC 5802: client-first,
/// client-final), and the server's last answer proves it knew the credential. Pure: no I/O, tested on its own.
/// </summary>
internal sealed class SaslAuthenticator(KafkaUsers users)
{
    private const string Failed = "Authentication failed: Invalid username or password";

    private ScramExchange? _scram;

    /// <summary>The mechanism chosen by SaslHandshake, or null before it.</summary>
    public string? Mechanism { get; private set; }

    /// <summary>Who authenticated, once <see cref="IsAuthenticated"/>.</summary>
    public string? User { get; private set; }

    public bool IsAuthenticated => User is not null;

    public IReadOnlyList<string> Enabled => users.Options.Mechanisms;

    /// <summary>SaslHandshake: None, UNSUPPORTED_SASL_MECHANISM, or ILLEGAL_SASL_STATE when one was chosen already.</summary>
    public ErrorCode Select(string mechanism)
    {
        if (Mechanism is not null)
        {
            return ErrorCode.IllegalSaslState;
        }
        if (!users.Options.Mechanisms.Contains(mechanism))
        {
            return ErrorCode.UnsupportedSaslMechanism;
        }
        Mechanism = mechanism;
        return ErrorCode.None;
    }

    /// <summary>SaslAuthenticate: the next token of the chosen mechanism.</summary>
    public SaslStep Step(ReadOnlySpan<byte> token)
    {
        if (Mechanism is null || IsAuthenticated)
        {
            return new(ErrorCode.IllegalSaslState, Mechanism is null ? "SaslAuthenticate before SaslHandshake." : "Already authenticated.", []);
        }
        return Mechanism == KafkaSaslOptions.Plain ? Plain(token) : Scram(token);
    }

    private SaslStep Plain(ReadOnlySpan<byte> token)
    {
        string[] parts = Encoding.UTF8.GetString(token).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return new(ErrorCode.SaslAuthenticationFailed, "Invalid SASL/PLAIN response: expected 3 tokens, the user name not empty.", []);
        }
        if ((parts[0].Length > 0 && parts[0] != parts[1]) || !users.CheckPassword(parts[1], parts[2]))
        {
            return new(ErrorCode.SaslAuthenticationFailed, Failed, []);
        }
        User = parts[1];
        return new(ErrorCode.None, null, []);
    }

    private SaslStep Scram(ReadOnlySpan<byte> token)
    {
        HashAlgorithmName hash = Mechanism == KafkaSaslOptions.ScramSha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
        string failed = $"Authentication failed during authentication due to invalid credentials with SASL mechanism {Mechanism}";
        string text = Encoding.UTF8.GetString(token);
        if (_scram is null)
        {
            if (!ScramExchange.TryStart(text, users, hash, out _scram, out string? serverFirst))
            {
                return new(ErrorCode.SaslAuthenticationFailed, failed, []);
            }
            return new(ErrorCode.None, null, Encoding.UTF8.GetBytes(serverFirst));
        }
        if (!_scram.TryFinish(text, out string? serverFinal))
        {
            return new(ErrorCode.SaslAuthenticationFailed, failed, []);
        }
        User = _scram.User;
        return new(ErrorCode.None, null, Encoding.UTF8.GetBytes(serverFinal));
    }
}
