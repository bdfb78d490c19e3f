using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Kafka.Security;

/// <summary>What a SCRAM server keeps of a password (RFC 5802, 3): the salt, the iteration count, StoredKey and ServerKey.</summary>
internal sealed record ScramCredential(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    public static ScramCredential Derive(string password, HashAlgorithmName hash, int iterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(24);
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, hash, ScramHash.Length(hash));
        byte[] clientKey = ScramHash.Hmac(hash, salted, "Client Key"u8);
        byte[] serverKey = ScramHash.Hmac(hash, salted, "Server Key"u8);
        return new ScramCredential(salt, iterations, ScramHash.Hash(hash, clientKey), serverKey);
    }
}

/// <summary>The hash and HMAC of a SCRAM mechanism.</summary>
internal static class ScramHash
{
    public static int Length(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA512 ? 64 : 32;

    public static byte[] Hmac(HashAlgorithmName hash, byte[] key, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);

    public static byte[] Hash(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA512 ? SHA512.HashData(data) : SHA256.HashData(data);
}
