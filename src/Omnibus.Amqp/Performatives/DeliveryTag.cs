using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>
/// A delivery tag (binary, at most 32 bytes by the spec) held inline, so a decoded transfer
/// carries it without a heap allocation. Service Bus lock tokens are 16-byte tags in .NET
/// <see cref="Guid"/> byte order (<see cref="FromLockToken"/>, <see cref="ToLockToken"/>).
/// </summary>
public readonly struct DeliveryTag : IEquatable<DeliveryTag>
{
    public const int MaxLength = 32;

    private readonly TagBytes _bytes;
    private readonly byte _length;

    public DeliveryTag(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLength)
        {
            throw new ArgumentException($"A delivery tag holds at most {MaxLength} bytes.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
        _length = (byte)bytes.Length;
    }

    public int Length => _length;

    [UnscopedRef]
    public ReadOnlySpan<byte> Span => ((ReadOnlySpan<byte>)_bytes)[.._length];

    public static DeliveryTag FromLockToken(Guid lockToken)
    {
        Span<byte> bytes = stackalloc byte[16];
        lockToken.TryWriteBytes(bytes);
        return new DeliveryTag(bytes);
    }

    public Guid ToLockToken() => _length == 16
        ? new Guid(Span)
        : throw new InvalidOperationException("Only a 16-byte delivery tag is a lock token.");

    public byte[] ToArray() => Span.ToArray();

    internal static DeliveryTag Read(ref AmqpReader reader)
    {
        var bytes = reader.ReadBinarySpan();
        return bytes.Length <= MaxLength
            ? new DeliveryTag(bytes)
            : throw new AmqpDecodeException($"A delivery tag is longer than {MaxLength} bytes.");
    }

    public bool Equals(DeliveryTag other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is DeliveryTag other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public override string ToString() => Convert.ToHexString(Span);

    public static bool operator ==(DeliveryTag left, DeliveryTag right) => left.Equals(right);

    public static bool operator !=(DeliveryTag left, DeliveryTag right) => !left.Equals(right);

    [InlineArray(MaxLength)]
    private struct TagBytes
    {
        private byte _element;
    }
}
