using Omnibus.Transport.Output;

namespace Omnibus.Transport.Timers;

/// <summary>
/// Keeps a quiet connection alive: whenever nothing went out for about an interval, sends the
/// protocol's heartbeat (an empty AMQP 1.0 frame, an AMQP 0-9-1 heartbeat frame). One loop per
/// connection, ended by cancelling <c>stop</c>.
/// </summary>
public static class Heartbeats
{
    /// <summary>Runs until <paramref name="stop"/> is cancelled; <paramref name="send"/> writes one heartbeat.</summary>
    public static async Task RunAsync(BackPressuredWriter writer, TimeSpan interval, Action send, TimeProvider clock, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(clock);
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                // A tick that comes a little early must not skip a due heartbeat.
                if (writer.TimeSinceLastWrite >= interval * 0.9)
                {
                    send();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The heartbeat interval for a peer's idle time-out: a third of it, so one lost heartbeat is survived; at least half a second.</summary>
    public static TimeSpan IntervalFor(TimeSpan peerIdleTimeout) =>
        TimeSpan.FromMilliseconds(Math.Max(peerIdleTimeout.TotalMilliseconds / 3, 500));
}
