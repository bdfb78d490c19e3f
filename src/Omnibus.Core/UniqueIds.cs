using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Omnibus.Core;

/// <summary>
/// Unique, unpredictable-looking GUIDs for lock tokens and broker-assigned message ids without a
/// system call each: <see cref="Guid.NewGuid"/> reads the kernel's random source every time,
/// which under load was two syscalls per message. Here a random 128-bit key is drawn once per
/// process; each id is a counter run through a bijective 64-bit mixer (so no two ids of a
/// process collide), keyed with the random halves (so ids differ between processes and runs).
/// Not a secret: access to settle is by the connection's authorization, not by guessing tokens.
/// </summary>
public static class UniqueIds
{
    private static readonly ulong s_prefix = RandomUInt64();
    private static readonly ulong s_key = RandomUInt64();
    private static long s_counter;

    /// <summary>A new id, unique within this process and, with overwhelming likelihood, across processes.</summary>
    public static Guid NewGuid()
    {
        ulong n = (ulong)Interlocked.Increment(ref s_counter);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, s_prefix);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], Mix(n ^ s_key));
        return new Guid(bytes);
    }

    // SplitMix64's finalizer: a bijection on 64 bits, so distinct counters give distinct outputs.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RandomUInt64()
    {
        Span<byte> seed = stackalloc byte[8];
        RandomNumberGenerator.Fill(seed);
        return BinaryPrimitives.ReadUInt64LittleEndian(seed);
    }
}
