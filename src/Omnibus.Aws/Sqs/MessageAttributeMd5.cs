using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// The MD5 digests SQS answers and the SDKs check: of the body (its UTF-8 bytes), and of a set of message
/// attributes (sorted by name; for each, length-prefixed name, data type, a transport byte (1 text, 2 binary),
/// and length-prefixed value; lengths 4-byte big-endian). Lower-case hex.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "MD5 is what SQS and its SDKs use as a checksum of the body and attributes; nothing is secured by it.")]
internal static class MessageAttributeMd5
{
    public static string OfBody(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));

    public static string? OfAttributes(IReadOnlyCollection<KeyValuePair<string, SqsAttributeValue>> attributes)
    {
        if (attributes.Count == 0)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        foreach (KeyValuePair<string, SqsAttributeValue> a in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            WriteText(buffer, a.Key);
            WriteText(buffer, a.Value.DataType);
            if (a.Value.BinaryValue is { } binary)
            {
                buffer.WriteByte(2);
                WriteBytes(buffer, binary);
            }
            else
            {
                buffer.WriteByte(1);
                WriteText(buffer, a.Value.StringValue ?? "");
            }
        }
        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
    }

    private static void WriteText(MemoryStream buffer, string text) => WriteBytes(buffer, Encoding.UTF8.GetBytes(text));

    private static void WriteBytes(MemoryStream buffer, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
