using Omnibus.Amqp091.Codec;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// RabbitMQ's disk alarm as a client sees it: a connection whose client takes <c>connection.blocked</c> is told
/// when the broker starts refusing publishes for want of disk space, and <c>connection.unblocked</c> when it
/// takes them again (the core's <see cref="StorageSpace"/> state, which recovers by itself).
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
