namespace Omnibus.Amqp.Tests.Support;

internal static class Hex
{
    /// <summary>Parses "00 53 10 c0" style hex, spaces ignored.</summary>
    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
