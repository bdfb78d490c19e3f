using System.Buffers.Binary;

namespace Omnibus.Storage.CrashHelper;

/// <summary>Self-describing record bodies: writer, index, and filler derived from both, so any byte damage shows.</summary>
public static class CrashPayload
{
    public static byte[] Create(int writer, long index)
    {
        int size = 64 + (int)((writer * 131 + index * 17) % 900);
        var body = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(body, writer);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(4), index);
        uint x = (uint)(writer * 2654435761u) ^ (uint)index;
        for (int i = 12; i < size; i++)
        {
            x = x * 1664525 + 1013904223;
            body[i] = (byte)(x >> 24);
        }
        return body;
    }

    /// <summary>Decodes (writer, index) and checks every byte; false for anything that is not a payload.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out int writer, out long index)
    {
        writer = 0;
        index = 0;
        if (body.Length < 12)
        {
            return false;
        }
        writer = BinaryPrimitives.ReadInt32LittleEndian(body);
        index = BinaryPrimitives.ReadInt64LittleEndian(body[4..]);
        if (writer < 0 || writer > 1000 || index < 0)
        {
            return false;
        }
        return body.SequenceEqual(Create(writer, index));
    }
}
