using System.Buffers;
using Omnibus.Amqp091.Codec;

namespace Omnibus.Amqp091.Connection;

/// <summary>Writing frames: a method, or a method with its content (header and body frames) kept together.</summary>
internal sealed partial class Amqp091Connection
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_payload;

    private static ArrayBufferWriter<byte> Payload()
    {
        ArrayBufferWriter<byte> buffer = t_payload ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        return buffer;
    }

    public void SendMethod(ushort channel, uint method, Action<WireWriter>? arguments = null)
    {
        ArrayBufferWriter<byte> payload = Payload();
        var w = new WireWriter(payload);
        w.Short(MethodIds.ClassOf(method)).Short(MethodIds.MethodOf(method));
        arguments?.Invoke(w);
        lock (Writer.Gate)
        {
            if (Writer.IsClosedLocked)
            {
                return;
            }
            FrameCodec.Write(Writer.OutputLocked, FrameType.Method, channel, payload.WrittenSpan);
            Writer.CommitLocked(payload.WrittenCount + FrameCodec.Overhead);
        }
        Writer.RequestFlush();
    }

    /// <summary>A content-carrying method (deliver, get-ok, return): method, header and body frames, with nothing between them.</summary>
    public bool SendContent(ushort channel, uint method, Action<WireWriter> arguments, BasicProperties properties, ReadOnlyMemory<byte> body)
    {
        ArrayBufferWriter<byte> payload = Payload();
        var w = new WireWriter(payload);
        w.Short(MethodIds.ClassOf(method)).Short(MethodIds.MethodOf(method));
        arguments(w);
        int methodLength = payload.WrittenCount;
        new ContentHeader(60, (ulong)body.Length, properties).Write(payload);
        ReadOnlySpan<byte> written = payload.WrittenSpan;
        int maxBody = (int)FrameMax - FrameCodec.Overhead;
        lock (Writer.Gate)
        {
            if (Writer.IsClosedLocked)
            {
                return false;
            }
            FrameCodec.Write(Writer.OutputLocked, FrameType.Method, channel, written[..methodLength]);
            FrameCodec.Write(Writer.OutputLocked, FrameType.Header, channel, written[methodLength..]);
            long bytes = written.Length + 2 * FrameCodec.Overhead;
            for (int offset = 0; offset < body.Length; offset += maxBody)
            {
                ReadOnlySpan<byte> chunk = body.Span.Slice(offset, Math.Min(maxBody, body.Length - offset));
                FrameCodec.Write(Writer.OutputLocked, FrameType.Body, channel, chunk);
                bytes += chunk.Length + FrameCodec.Overhead;
            }
            Writer.CommitLocked(bytes);
        }
        Writer.RequestFlush();
        return true;
    }

    private void SendHeartbeat()
    {
        lock (Writer.Gate)
        {
            if (Writer.IsClosedLocked)
            {
                return;
            }
            FrameCodec.WriteHeartbeat(Writer.OutputLocked);
            Writer.CommitLocked(FrameCodec.Overhead);
        }
        Writer.RequestFlush();
    }
}
