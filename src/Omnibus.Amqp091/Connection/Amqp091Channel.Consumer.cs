using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Connection;

internal sealed partial class Amqp091Channel
{
    /// <summary>One basic.consume: its pump's stop signal, its prefetch room, and whether it may receive yet.</summary>
    internal sealed class Consumer(string tag, string queue, bool noAck, bool exclusive, ushort prefetch, Receivable receivable, TimeSpan timeout)
    {
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
