using System.Text;

namespace Omnibus.Amqp.Types;

/// <summary>
/// An AMQP symbol: ASCII bytes compared as bytes. The string form is built only when asked
/// (<see cref="ToString"/>), so matching a symbol against <c>"x-opt-sequence-number"u8</c>
/// never decodes text.
/// </summary>
public sealed class AmqpSymbol : IEquatable<AmqpSymbol>
{
    private readonly byte[] _bytes;
    private string? _text;

    private AmqpSymbol(byte[] bytes, string? text)
    {
        _bytes = bytes;
        _text = text;
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public int Length => _bytes.Length;

    /// <summary>Creates a symbol from ASCII text; throws for non-ASCII input.</summary>
    public static AmqpSymbol FromString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Ascii.IsValid(text))
        {
            throw new ArgumentException("An AMQP symbol holds ASCII characters only.", nameof(text));
        }

        return new AmqpSymbol(Encoding.ASCII.GetBytes(text), text);
    }

    /// <summary>
    /// Returns the interned instance for well-known symbols (no allocation), else a copy of
    /// <paramref name="ascii"/>. The caller has checked that the bytes are ASCII.
    /// </summary>
    public static AmqpSymbol FromBytes(ReadOnlySpan<byte> ascii) =>
        KnownSymbols.TryGet(ascii) ?? new AmqpSymbol(ascii.ToArray(), null);

    internal static AmqpSymbol CreateInterned(string text) => new(Encoding.ASCII.GetBytes(text), text);

    public static implicit operator AmqpSymbol(string text) => FromString(text);

    public bool Equals(ReadOnlySpan<byte> ascii) => ascii.SequenceEqual(_bytes);

    public bool Equals(AmqpSymbol? other) =>
        other is not null && (ReferenceEquals(this, other) || other._bytes.AsSpan().SequenceEqual(_bytes));

    public override bool Equals(object? obj) => obj is AmqpSymbol other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    public override string ToString() => _text ??= Encoding.ASCII.GetString(_bytes);

    public static bool operator ==(AmqpSymbol? left, AmqpSymbol? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(AmqpSymbol? left, AmqpSymbol? right) => !(left == right);
}
