namespace Omnibus.Core.Engine;

/// <summary>
/// When a long poll gives up, on the monotonic millisecond clock. A deadline that has passed
/// reads as "nothing left", never as "no deadline": a drain asks for a zero wait, and the
/// milliseconds spent taking messages must not turn it into a wait for the next message.
/// </summary>
internal readonly record struct PollDeadline(long AtMilliseconds)
{
    public static PollDeadline Unbounded => new(long.MaxValue);

    public bool IsUnbounded => AtMilliseconds == long.MaxValue;

    public static PollDeadline After(TimeSpan maxWait, long nowMilliseconds) =>
        maxWait == Timeout.InfiniteTimeSpan || maxWait == TimeSpan.MaxValue
            ? Unbounded
            : new(nowMilliseconds + (long)Math.Max(0, maxWait.TotalMilliseconds));

    /// <summary>How long to wait from <paramref name="nowMilliseconds"/>: infinite, or at least zero.</summary>
    public TimeSpan Remaining(long nowMilliseconds) =>
        IsUnbounded ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, AtMilliseconds - nowMilliseconds));

    public bool HasPassed(long nowMilliseconds) => !IsUnbounded && AtMilliseconds - nowMilliseconds < 1;
}
