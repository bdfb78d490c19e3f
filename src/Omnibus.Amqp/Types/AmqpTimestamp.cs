namespace Omnibus.Amqp.Types;

/// <summary>
/// An AMQP timestamp: signed milliseconds since the Unix epoch. Kept as the raw count because
/// the wire range is wider than <see cref="DateTimeOffset"/> (and .NET clients send
/// <c>DateTime.MaxValue</c>-derived values that must survive a round trip unchanged).
/// </summary>
public readonly record struct AmqpTimestamp(long UnixMilliseconds)
{
    private static readonly long MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static AmqpTimestamp FromDateTimeOffset(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds());

    /// <summary>The instant, clamped to the range <see cref="DateTimeOffset"/> can hold.</summary>
    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(UnixMilliseconds, MinMilliseconds, MaxMilliseconds));

    public override string ToString() => ToDateTimeOffset().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
