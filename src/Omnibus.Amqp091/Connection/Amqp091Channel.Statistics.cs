namespace Omnibus.Amqp091.Connection;

/// <summary>A consumer as the management API shows it.</summary>
internal sealed record ConsumerInfo(string Tag, string Queue, bool AckRequired, ushort Prefetch);

/// <summary>What the management API shows of a channel; read from HTTP requests under the channel's lock.</summary>
internal sealed partial class Amqp091Channel
{
    public IReadOnlyList<ConsumerInfo> Consumers
    {
        get
        {
            lock (_gate)
            {
                return [.. _consumers.Values.Select(c => new ConsumerInfo(c.Tag, c.Queue, !c.NoAck, c.Prefetch))];
            }
        }
    }

    public int UnacknowledgedCount
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
        }
    }

    /// <summary>The prefetch count new consumers get (<c>basic.qos</c>).</summary>
    public ushort Prefetch => Volatile.Read(ref _prefetch);

    /// <summary>Whether <c>confirm.select</c> was sent.</summary>
    public bool Confirming => Volatile.Read(ref _confirming);
}
