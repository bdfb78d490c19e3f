using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Kafka.Security;

/// <summary>The server side of one SCRAM exchange (RFC 5802, 5): checks the client's proof and signs the answer.</summary>
internal sealed class ScramExchange
{
    private readonly HashAlgorithmName _hash;
    private readonly ScramCredential _credential;
    private readonly string _gs2Header;
    private readonly string _clientFirstBare;
    private readonly string _serverFirst;
    private readonly string _nonce;

    private ScramExchange(HashAlgorithmName hash, ScramCredential credential, string user, string gs2Header, string clientFirstBare, string serverFirst, string nonce)
    {
        (_hash, _credential, User, _gs2Header, _clientFirstBare, _serverFirst, _nonce) = (hash, credential, user, gs2Header, clientFirstBare, serverFirst, nonce);
    }

    public string User { get; }

    /// <summary>Reads client-first (<c>n,[a=authzid],n=user,r=nonce[,extensions]</c>) and makes server-first; false for a malformed message or an unknown user.</summary>
    public static bool TryStart(string clientFirst, KafkaUsers users, HashAlgorithmName hash, [NotNullWhen(true)] out ScramExchange? exchange, [NotNullWhen(true)] out string? serverFirst)
    {
        exchange = null;
        serverFirst = null;
        // gs2-header: channel binding flag ("n": none; "y" is allowed too, as no binding is offered), then the authzid.
        string[] header = clientFirst.Split(',', 3);
        if (header.Length != 3 || header[0] is not ("n" or "y") || (header[1].Length > 0 && !header[1].StartsWith("a=", StringComparison.Ordinal)))
        {
            return false;
        }
        string bare = header[2];
        Dictionary<char, string> fields = Fields(bare);
        if (!fields.TryGetValue('n', out string? escapedUser) || !fields.TryGetValue('r', out string? clientNonce) || clientNonce.Length == 0)
        {
            return false;
        }
        string user = escapedUser.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        if (header[1].Length > 0 && header[1][2..] != user)
        {
            return false;
        }
        if (users.Scram(user, hash) is not { } credential)
        {
            return false;
        }
        string nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        serverFirst = $"r={nonce},s={Convert.ToBase64String(credential.Salt)},i={credential.Iterations}";
        exchange = new ScramExchange(hash, credential, user, $"{header[0]},{header[1]},", bare, serverFirst, nonce);
        return true;
    }

    /// <summary>Checks client-final (<c>c=binding,r=nonce,p=proof</c>) and makes server-final (<c>v=signature</c>).</summary>
    public bool TryFinish(string clientFinal, [NotNullWhen(true)] out string? serverFinal)
    {
        serverFinal = null;
        int proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return false;
        }
        string withoutProof = clientFinal[..proofAt];
        Dictionary<char, string> fields = Fields(withoutProof);
        if (fields.GetValueOrDefault('c') != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)) || fields.GetValueOrDefault('r') != _nonce)
        {
            return false;
        }
        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(clientFinal[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            return false;
        }
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        byte[] clientSignature = ScramHash.Hmac(_hash, _credential.StoredKey, authMessage);
        if (proof.Length != clientSignature.Length)
        {
            return false;
        }
        byte[] clientKey = new byte[proof.Length];
        for (int i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        if (!CryptographicOperations.FixedTimeEquals(ScramHash.Hash(_hash, clientKey), _credential.StoredKey))
        {
            return false;
        }
        serverFinal = "v=" + Convert.ToBase64String(ScramHash.Hmac(_hash, _credential.ServerKey, authMessage));
        return true;
    }

    /// <summary>The <c>x=value</c> attributes of a SCRAM message; a value may hold '=' (base64), never ','.</summary>
    private static Dictionary<char, string> Fields(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (string part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                fields.TryAdd(part[0], part[2..]);
            }
        }
        return fields;
    }
}
