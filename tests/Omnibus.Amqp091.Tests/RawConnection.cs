using System.Buffers;
using System.Net.Sockets;
using Omnibus.Amqp091.Codec;

namespace Omnibus.Amqp091.Tests;

/// <summary>A socket speaking raw 0-9-1 frames, to send what no real client would (bad input tests).</summary>
internal sealed class RawConnection : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private readonly List<byte> _pending = [];

    public static async Task<RawConnection> OpenAsync(int port, bool handshake = true, ushort heartbeat = 0)
    {
        RawConnection raw = await ConnectAsync(port);
        if (handshake)
        {
            await raw.HandshakeAsync(heartbeat);
            await raw.SendMethodAsync(0, MethodIds.ConnectionOpen, w => w.ShortString("/").ShortString("").Bit(false));
            await raw.ExpectMethodAsync(MethodIds.ConnectionOpenOk);
        }
        return raw;
    }

    /// <summary>A connection that has authenticated and tuned, waiting for the <c>connection.open</c> the test sends.</summary>
    public static async Task<RawConnection> TunedAsync(int port)
    {
        RawConnection raw = await ConnectAsync(port);
        await raw.HandshakeAsync(0);
        return raw;
    }

    private static async Task<RawConnection> ConnectAsync(int port)
    {
        var raw = new RawConnection();
        await raw._tcp.ConnectAsync("127.0.0.1", port);
        raw._stream = raw._tcp.GetStream();
        return raw;
    }

    private async Task HandshakeAsync(ushort heartbeat)
    {
        await SendAsync(FrameCodec.ProtocolHeader.ToArray());
        await ExpectMethodAsync(MethodIds.ConnectionStart);
        await SendMethodAsync(0, MethodIds.ConnectionStartOk, w => w.Table(new Dictionary<string, object?> { ["capabilities"] = new Dictionary<string, object?> { ["authentication_failure_close"] = true } })
            .ShortString("PLAIN").LongString("\0guest\0guest"u8).ShortString("en_US"));
        await ExpectMethodAsync(MethodIds.ConnectionTune);
        await SendMethodAsync(0, MethodIds.ConnectionTuneOk, w => w.Short(2047).Long(131072).Short(heartbeat));
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public static byte[] Method(ushort channel, uint method, Action<WireWriter>? args = null)
    {
        var payload = new ArrayBufferWriter<byte>();
        var w = new WireWriter(payload);
        w.Short(MethodIds.ClassOf(method)).Short(MethodIds.MethodOf(method));
        args?.Invoke(w);
        var frame = new ArrayBufferWriter<byte>();
        FrameCodec.Write(frame, FrameType.Method, channel, payload.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }

    public Task SendMethodAsync(ushort channel, uint method, Action<WireWriter>? args = null) => SendAsync(Method(channel, method, args));

    /// <summary>The next frame that is not a heartbeat, or null when the broker closed the socket.</summary>
    public async Task<Frame?> ReadFrameAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[65536];
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_pending.ToArray());
            var reader = new SequenceReader<byte>(sequence);
            if (FrameCodec.TryRead(ref reader, 1 << 20, out Frame frame))
            {
                _pending.RemoveRange(0, (int)reader.Consumed);
                if (frame.Type == FrameType.Heartbeat)
                {
                    continue;
                }
                return frame;
            }
            int n = await _stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                return null;
            }
            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    public async Task<byte[]> ExpectMethodAsync(uint method)
    {
        Frame frame = await ReadFrameAsync() ?? throw new InvalidOperationException("closed");
        uint got = (uint)(frame.Payload.Span[0] << 24 | frame.Payload.Span[1] << 16 | frame.Payload.Span[2] << 8 | frame.Payload.Span[3]);
        Assert.True(got == method, $"expected {MethodIds.ClassOf(method)}/{MethodIds.MethodOf(method)}, got {MethodIds.ClassOf(got)}/{MethodIds.MethodOf(got)}");
        return frame.Payload[4..].ToArray();
    }

    /// <summary>Reads a connection.close or channel.close and returns its reply code.</summary>
    public async Task<ushort> ExpectCloseAsync(uint method)
    {
        byte[] args = await ExpectMethodAsync(method);
        return (ushort)(args[0] << 8 | args[1]);
    }

    /// <summary>True once the broker has closed the socket (reads end), within the wait.</summary>
    public async Task<bool> ClosedByBrokerAsync(TimeSpan wait)
    {
        try
        {
            while (await ReadFrameAsync(wait) is not null)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Every byte until the broker closes the socket.</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var all = new List<byte>(_pending);
        var buffer = new byte[4096];
        int n;
        while ((n = await _stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return [.. all];
    }

    public void Dispose() => _tcp.Dispose();
}
