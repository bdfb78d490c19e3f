using System.Buffers;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Framing;

/// <summary>What adding one transfer frame to a <see cref="DeliveryAssembler"/> led to.</summary>
public enum DeliveryAssemblyResult
{
    /// <summary>The delivery is whole: <see cref="DeliveryAssembler.Message"/> holds its bytes.</summary>
    Complete,

    /// <summary>More frames of this delivery are due.</summary>
    Incomplete,

    /// <summary>The sender aborted the delivery; its bytes were discarded.</summary>
    Aborted,

    /// <summary>The delivery outgrew the link's max-message-size (close the link with amqp:link:message-size-exceeded).</summary>
    TooLarge,

    /// <summary>A continuation frame names another delivery than the first frame did.</summary>
    Mismatch,
}

/// <summary>
/// Joins the payloads of a multi-frame delivery (transfers with <c>more</c> set) into one
/// contiguous message, one per receiving link. Pure bookkeeping: the buffer is pooled and reused,
/// so a link that receives large messages allocates nothing per delivery. Single-frame
/// deliveries need no assembler: their payload slice is the whole message.
/// </summary>
public sealed class DeliveryAssembler : IDisposable
{
    private readonly ulong _maxMessageSize;
    private byte[] _buffer = [];
    private int _length;
    private bool _inProgress;
    private bool _complete;

    /// <param name="maxMessageSize">The link's max-message-size; 0 means no limit, as in the spec (bounded by the largest array .NET allows).</param>
    public DeliveryAssembler(ulong maxMessageSize)
    {
        _maxMessageSize = Math.Min(maxMessageSize == 0 ? ulong.MaxValue : maxMessageSize, (ulong)Array.MaxLength);
    }

    /// <summary>True between the first frame of a delivery and its last.</summary>
    public bool InProgress => _inProgress;

    /// <summary>The first frame's transfer, which carries the delivery-id, tag, format and settlement.</summary>
    public Transfer First { get; private set; }

    /// <summary>The assembled message after <see cref="DeliveryAssemblyResult.Complete"/>, valid until the next <see cref="Add"/>.</summary>
    public ReadOnlyMemory<byte> Message => _complete ? _buffer.AsMemory(0, _length) : throw new InvalidOperationException("No delivery is complete.");

    public DeliveryAssemblyResult Add(in Transfer transfer, in ReadOnlySequence<byte> payload)
    {
        if (_complete)
        {
            _complete = false;
            _length = 0;
        }

        if (!_inProgress)
        {
            First = transfer;
            _inProgress = true;
        }
        else if (transfer.Handle != First.Handle
            || (transfer.DeliveryId is { } id && id != First.DeliveryId)
            || (transfer.DeliveryTag is { } tag && First.DeliveryTag is { } firstTag && tag != firstTag))
        {
            Reset();
            return DeliveryAssemblyResult.Mismatch;
        }

        if (transfer.Aborted)
        {
            Reset();
            return DeliveryAssemblyResult.Aborted;
        }

        if ((ulong)_length + (ulong)payload.Length > _maxMessageSize)
        {
            Reset();
            return DeliveryAssemblyResult.TooLarge;
        }

        Append(payload);
        if (transfer.More)
        {
            return DeliveryAssemblyResult.Incomplete;
        }

        _inProgress = false;
        _complete = true;
        return DeliveryAssemblyResult.Complete;
    }

    /// <summary>Forgets the delivery in progress (on detach, or after an error result).</summary>
    public void Reset()
    {
        _inProgress = false;
        _complete = false;
        _length = 0;
        First = default;
    }

    public void Dispose()
    {
        Reset();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Append(in ReadOnlySequence<byte> payload)
    {
        var needed = _length + (int)payload.Length;
        if (needed > _buffer.Length)
        {
            var next = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _length).CopyTo(next);
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = next;
        }

        payload.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
    }
}
