using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Kafka.Security;

/// <summary>The Kafka listener's users: passwords checked in constant time for PLAIN, SCRAM credentials derived once per user and mechanism.</summary>
internal sealed class KafkaUsers(KafkaSaslOptions options)
{
    private readonly ConcurrentDictionary<(string User, HashAlgorithmName Hash), ScramCredential> _scram = new();

    public KafkaSaslOptions Options { get; } = options;

    public bool CheckPassword(string user, string password)
    {
        // Compared as fixed-length digests so that neither the length nor the content leaks through timing.
        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(Options.Users.GetValueOrDefault(user) ?? Guid.NewGuid().ToString()));
        return CryptographicOperations.FixedTimeEquals(given, expected) && Options.Users.ContainsKey(user);
    }

    /// <summary>The user's SCRAM credential for the hash, or null for an unknown user.</summary>
    public ScramCredential? Scram(string user, HashAlgorithmName hash) =>
        Options.Users.TryGetValue(user, out string? password)
            ? _scram.GetOrAdd((user, hash), k => ScramCredential.Derive(password, k.Hash, Options.ScramIterations))
            : null;
}
