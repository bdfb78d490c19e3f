using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Aws.Sqs;

/// <summary>What a receipt handle carries: the queue, the core's lock token of that delivery, and the message's sequence number.</summary>
internal readonly record struct Receipt(string Queue, Guid LockToken, long Sequence);

/// <summary>
/// Receipt handles: version, lock token, sequence number and queue name, with an HMAC-SHA256 tag (16 bytes)
/// under a key of this process, base64url. A forged or altered handle fails the tag; one from another queue
/// names that queue: both are ReceiptHandleIsInvalid. Handles need not outlive the process: locks do not.
/// </summary>
internal sealed class ReceiptHandles(byte[] key)
{
    private const byte Version = 1;
    private const int TagLength = 16;

    public string Encode(Receipt r)
    {
        byte[] name = Encoding.UTF8.GetBytes(r.Queue);
        byte[] payload = new byte[1 + 16 + 8 + name.Length + TagLength];
        payload[0] = Version;
        r.LockToken.TryWriteBytes(payload.AsSpan(1, 16));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(17, 8), r.Sequence);
        name.CopyTo(payload, 25);
        Span<byte> tag = stackalloc byte[32];
        HMACSHA256.HashData(key, payload.AsSpan(0, payload.Length - TagLength), tag);
        tag[..TagLength].CopyTo(payload.AsSpan(payload.Length - TagLength));
        return Convert.ToBase64String(payload).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The receipt in <paramref name="handle"/>, checked to belong to <paramref name="queue"/>.</summary>
    public Receipt Decode(string handle, string queue)
    {
        if (TryDecode(handle, out Receipt r) && r.Queue == queue)
        {
            return r;
        }
        throw new SqsException(SqsError.ReceiptHandleIsInvalid, $"The input receipt handle \"{(handle.Length > 64 ? handle[..64] + "..." : handle)}\" is not a valid receipt handle.");
    }

    private bool TryDecode(string handle, out Receipt receipt)
    {
        receipt = default;
        if (handle.Length is < 40 or > 2048)
        {
            return false;
        }
        string b64 = handle.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            return false;
        }
        if (payload.Length < 1 + 16 + 8 + 1 + TagLength || payload[0] != Version)
        {
            return false;
        }
        Span<byte> tag = stackalloc byte[32];
        HMACSHA256.HashData(key, payload.AsSpan(0, payload.Length - TagLength), tag);
        if (!CryptographicOperations.FixedTimeEquals(tag[..TagLength], payload.AsSpan(payload.Length - TagLength)))
        {
            return false;
        }
        receipt = new Receipt(
            Encoding.UTF8.GetString(payload.AsSpan(25, payload.Length - 25 - TagLength)),
            new Guid(payload.AsSpan(1, 16)),
            BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(17, 8)));
        return true;
    }
}
