using Omnibus.Amqp091.Codec;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// RabbitMQ's consumer priorities (<c>x-priority</c> in basic.consume's arguments): while a consumer of higher
/// priority on the same queue is active and has room for a delivery, a lower one takes nothing; when the higher
/// ones are full (prefetch reached), the lower ones get messages. Every consumer pumps the core's queue on its own,
/// so a lower one stays out of the core's waiters while it is outranked and looks again every
/// <see cref="OutrankedPause"/>; a queue whose consumers share one priority is pumped as before.
/// </summary>
internal sealed partial class Amqp091Channel
{
    private static readonly TimeSpan OutrankedPause = TimeSpan.FromMilliseconds(25);

    /// <summary><c>x-priority</c>: an integer (any AMQP integer type), 0 when absent; anything else is 406.</summary>
    private static int ConsumerPriority(Dictionary<string, object?> arguments) =>
        arguments.TryGetValue("x-priority", out object? value) ? value switch
        {
            sbyte v => v, byte v => v, short v => v, ushort v => v, int v => v,
            long v when v is >= int.MinValue and <= int.MaxValue => (int)v,
            null => 0,
            _ => throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - invalid arg 'x-priority' for consumer: {value}", false, 60, 20),
        } : 0;
}
