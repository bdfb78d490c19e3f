using System.Buffers;

namespace Omnibus.Amqp.Tests.Support;

/// <summary>Builds multi-segment sequences, the way a pipe hands over bytes that arrived in pieces.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        if (parts.Length == 1)
        {
            return new ReadOnlySequence<byte>(parts[0]);
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every way to cut the input into two segments, plus one byte per segment, plus a few three-way cuts.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllSplits(byte[] input)
    {
        yield return new ReadOnlySequence<byte>(input);
        for (var i = 0; i <= input.Length; i++)
        {
            yield return Create(input[..i], input[i..]);
        }

        yield return Create([.. input.Select(b => new[] { b })]);
        var random = new Random(input.Length);
        for (var n = 0; n < 16 && input.Length > 2; n++)
        {
            var a = random.Next(input.Length);
            var b = random.Next(a, input.Length);
            yield return Create(input[..a], input[a..b], input[b..]);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
