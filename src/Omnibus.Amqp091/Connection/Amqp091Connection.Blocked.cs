using Omnibus.Amqp091.Codec;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// RabbitMQ's disk alarm as a client sees it: a connection whose client takes <c>connection.blocked</c> is told
/// when the data directory's volume goes below its floor, and <c>connection.unblocked</c> when space returns (the
/// core's <see cref="StorageSpace"/> state, which recovers by itself). Meanwhile a connection that publishes is
/// paused, as RabbitMQ's: its <c>basic.publish</c> is held and nothing more is read from its socket until space
/// returns, so the publish is taken late rather than refused. Consumers on other connections go on.
/// </summary>
internal sealed partial class Amqp091Connection
{
    private readonly Lock _blockedGate = new();
    private Action<StorageSpaceState>? _spaceWatch;
    private bool _blockedSent;

    /// <summary>Called once the connection is open.</summary>
    private void WatchStorageSpace()
    {
        if (!ClientHas("connection.blocked"))
        {
            return;
        }
        _spaceWatch = state => TellBlocked(state.IsFull);
        Broker.Space.Changed += _spaceWatch;
        TellBlocked(Broker.Space.IsFull);
    }

    private void StopWatchingStorageSpace()
    {
        if (_spaceWatch is { } watch)
        {
            Broker.Space.Changed -= watch;
        }
    }

    private static bool IsPublish(Frame frame) =>
        frame.Type == FrameType.Method && frame.Channel != 0 && MethodReader.IdOf(frame.Payload.Span) == MethodIds.BasicPublish;

    /// <summary>
    /// Holds the read loop until the volume is above its floor again. The peer's own heartbeats are not read
    /// meanwhile, so the wait counts as reading (as RabbitMQ suspends its heartbeat check for a blocked connection).
    /// </summary>
    private async Task WaitForSpaceAsync()
    {
        var returned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(StorageSpaceState state)
        {
            if (!state.IsFull)
            {
                returned.TrySetResult();
            }
        }
        Broker.Space.Changed += Watch;
        try
        {
            while (Broker.Space.IsFull && !Stopping.IsCancellationRequested)
            {
                Volatile.Write(ref _lastReadMs, Environment.TickCount64);
                try
                {
                    // On the system clock, as the heartbeat check is.
                    await returned.Task.WaitAsync(TimeSpan.FromSeconds(1), Stopping).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Broker.Space.Changed -= Watch;
        }
    }

    // Only transitions are sent: a change event racing the first look at open says nothing twice.
    private void TellBlocked(bool full)
    {
        lock (_blockedGate)
        {
            if (full == _blockedSent)
            {
                return;
            }
            _blockedSent = full;
            if (full)
            {
                SendMethod(0, MethodIds.ConnectionBlocked, w => w.ShortString("low on disk"));
            }
            else
            {
                SendMethod(0, MethodIds.ConnectionUnblocked);
            }
        }
    }
}
