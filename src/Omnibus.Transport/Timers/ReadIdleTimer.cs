namespace Omnibus.Transport.Timers;

/// <summary>
/// The read side's idle limit: a token that is cancelled when the peer sends nothing for the
/// allowance. The read loop re-arms it before every read; a cancelled token means the peer
/// went silent and the protocol closes with its own error.
/// </summary>
public sealed class ReadIdleTimer : IDisposable
{
    private readonly CancellationTokenSource _source;

    /// <param name="clock">The clock the allowance is measured on (a fake one in tests).</param>
    public ReadIdleTimer(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
    }

    /// <summary>Cancelled once the allowance passes without a re-arm.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True when the last allowance ran out.</summary>
    public bool Expired => _source.IsCancellationRequested;

    /// <summary>Starts a new allowance; false when the previous one already expired (the connection is to close).</summary>
    public bool Rearm(TimeSpan allowance)
    {
        if (!_source.TryReset())
        {
            return false;
        }
        _source.CancelAfter(allowance);
        return true;
    }

    public void Dispose() => _source.Dispose();
}
