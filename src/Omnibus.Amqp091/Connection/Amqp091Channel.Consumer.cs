using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Connection;

internal sealed partial class Amqp091Channel
{
    /// <summary>One basic.consume: its pump's stop signal, its prefetch room, and whether it may receive yet.</summary>
    internal sealed class Consumer(string tag, string queue, bool noAck, bool exclusive, ushort prefetch, Receivable receivable, TimeSpan timeout, int priority = 0)
    {
        /// <summary>The consumer's <c>x-priority</c>: deliveries go to the highest-priority consumers that have room first.</summary>
        public int Priority { get; } = priority;

        /// <summary>Whether it could take a delivery now: auto-ack, no prefetch limit, or fewer outstanding than its prefetch.</summary>
        public bool HasRoom => NoAck || Prefetch == 0 || Volatile.Read(ref Outstanding) < Prefetch;

        private CancellationTokenSource? _reconsider;

        /// <summary>
        /// The token a receive waits with: <paramref name="stop"/>, or <see cref="Reconsider"/> (a consumer of higher
        /// priority arrived, so a receive waiting without end must look again). Made once per reconsideration.
        /// </summary>
        public CancellationToken WaitToken(CancellationToken stop)
        {
            CancellationTokenSource? current = Volatile.Read(ref _reconsider);
            if (current is null || current.IsCancellationRequested)
            {
                current = CancellationTokenSource.CreateLinkedTokenSource(stop);
                Volatile.Write(ref _reconsider, current);
            }
            return current.Token;
        }

        /// <summary>Ends the receive this consumer waits in, so that it checks the priorities again.</summary>
        public void Reconsider()
        {
            try
            {
                Volatile.Read(ref _reconsider)?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>How long a delivery may stay unacknowledged before the channel is closed (<c>x-consumer-timeout</c>).</summary>
        public TimeSpan Timeout { get; } = timeout;

        private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Tag { get; } = tag;
        public string Queue { get; } = queue;
        public bool NoAck { get; } = noAck;
        public bool Exclusive { get; } = exclusive;
        public ushort Prefetch { get; } = prefetch;
        public Receivable Receivable { get; } = receivable;
        public CancellationTokenSource Stop { get; } = new();
        public SemaphoreSlim Room { get; } = new(0);
        public int Outstanding;

        /// <summary>Completes when the consumer may receive: at once, or on a single-active-consumer queue when its turn comes.</summary>
        public Task Activated => _activated.Task;

        public bool IsActive => _activated.Task.IsCompleted;

        public void Activate() => _activated.TrySetResult();
    }
}
