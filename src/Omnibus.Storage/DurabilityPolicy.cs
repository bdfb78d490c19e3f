using System.Globalization;

namespace Omnibus.Storage;

/// <summary>How an append becomes durable before it is acknowledged.</summary>
public enum DurabilityMode
{
    /// <summary>Every append waits for a shared fdatasync (group commit). The default.</summary>
    Always,

    /// <summary>Appends complete once written to the OS; a background flush runs every interval.</summary>
    Interval,

    /// <summary>Appends complete once written to the OS; flushed only when a segment is sealed or the log closes.</summary>
    None,
}

/// <summary>
/// The durability policy of one log: <c>always</c> (default), <c>interval:&lt;ms&gt;</c> or <c>none</c>.
/// </summary>
public readonly record struct DurabilityPolicy(DurabilityMode Mode, TimeSpan Interval)
{
    /// <summary>Group-committed fdatasync before every acknowledgement.</summary>
    public static DurabilityPolicy Always { get; } = new(DurabilityMode.Always, TimeSpan.Zero);

    /// <summary>No flush except at seal and close.</summary>
    public static DurabilityPolicy None { get; } = new(DurabilityMode.None, TimeSpan.Zero);

    /// <summary>A background flush every <paramref name="interval"/>.</summary>
    public static DurabilityPolicy Every(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return new DurabilityPolicy(DurabilityMode.Interval, interval);
    }

    /// <summary>Parses <c>always</c>, <c>none</c> or <c>interval:&lt;ms&gt;</c> (case-insensitive).</summary>
    public static DurabilityPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.Equals("always", StringComparison.OrdinalIgnoreCase))
        {
            return Always;
        }
        if (t.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }
        const string prefix = "interval:";
        if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(t.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int ms)
            && ms is >= 1 and <= 60_000)
        {
            return Every(TimeSpan.FromMilliseconds(ms));
        }
        throw new FormatException($"Durability policy '{text}' is not one of 'always', 'none', 'interval:<ms>' with 1 <= ms <= 60000.");
    }

    /// <inheritdoc/>
    public override string ToString() => Mode switch
    {
        DurabilityMode.Always => "always",
        DurabilityMode.None => "none",
        _ => string.Create(CultureInfo.InvariantCulture, $"interval:{(long)Interval.TotalMilliseconds}"),
    };
}
