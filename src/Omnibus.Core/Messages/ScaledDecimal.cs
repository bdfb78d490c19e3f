using System.Globalization;
using System.Numerics;

namespace Omnibus.Core.Messages;

/// <summary>
/// A decimal of any width: <see cref="Unscaled"/> × 10^-<see cref="Scale"/>. Holds what
/// <see cref="decimal"/> cannot, such as an AMQP 0-9-1 decimal (scale octet, 32-bit value) with
/// its scale kept, or an AMQP 1.0 decimal128. Two values are equal only with the same scale, so a
/// value reads back exactly as sent.
/// </summary>
public readonly record struct ScaledDecimal(BigInteger Unscaled, int Scale)
{
    /// <summary>The value as <see cref="decimal"/>, when it fits.</summary>
    public bool TryToDecimal(out decimal value)
    {
        value = 0;
        BigInteger magnitude = BigInteger.Abs(Unscaled);
        if (Scale is < 0 or > 28 || magnitude.GetBitLength() > 96)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[12];
        bytes.Clear();
        magnitude.TryWriteBytes(bytes, out _, isUnsigned: true);
        value = new decimal(
            BitConverter.ToInt32(bytes[..4]), BitConverter.ToInt32(bytes[4..8]), BitConverter.ToInt32(bytes[8..]),
            Unscaled.Sign < 0, (byte)Scale);
        return true;
    }

    public override string ToString()
    {
        if (Scale <= 0)
        {
            return (Unscaled * BigInteger.Pow(10, -Scale)).ToString(CultureInfo.InvariantCulture);
        }
        string digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture).PadLeft(Scale + 1, '0');
        return (Unscaled.Sign < 0 ? "-" : "") + digits[..^Scale] + "." + digits[^Scale..];
    }
}
