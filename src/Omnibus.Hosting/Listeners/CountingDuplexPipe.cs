using System.Buffers;
using System.IO.Pipelines;

namespace Omnibus.Hosting.Listeners;

/// <summary>
/// Wraps a connection's transport to count the bytes that cross it, for the network-bytes metric.
/// Received bytes are counted as the protocol consumes them, sent bytes as it commits them.
/// </summary>
internal sealed class CountingDuplexPipe(IDuplexPipe inner, Action<long> received, Action<long> sent) : IDuplexPipe
{
    public PipeReader Input { get; } = new CountingReader(inner.Input, received);

    public PipeWriter Output { get; } = new CountingWriter(inner.Output, sent);

    private sealed class CountingReader(PipeReader inner, Action<long> count) : PipeReader
    {
        private ReadOnlySequence<byte> _last;

        public override void AdvanceTo(SequencePosition consumed)
        {
            Count(consumed);
            inner.AdvanceTo(consumed);
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Count(consumed);
            inner.AdvanceTo(consumed, examined);
        }

        private void Count(SequencePosition consumed)
        {
            long n = _last.Slice(_last.Start, consumed).Length;
            if (n > 0)
            {
                count(n);
            }
            _last = default;
        }

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            ReadResult result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            bool read = inner.TryRead(out result);
            if (read)
            {
                _last = result.Buffer;
            }
            return read;
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    private sealed class CountingWriter(PipeWriter inner, Action<long> count) : PipeWriter
    {
        public override void Advance(int bytes)
        {
            if (bytes > 0)
            {
                count(bytes);
            }
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
