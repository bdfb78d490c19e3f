using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;

namespace Omnibus.IntegrationTests;

/// <summary>A bare TCP connection that speaks AMQP frames through the codec, for feeding the listener bad input.</summary>
internal sealed class RawAmqpConnection : IDisposable
{
    private readonly TcpClient _client = new();

    public static async Task<RawAmqpConnection> OpenAsync(int port)
    {
        var raw = new RawAmqpConnection();
        await raw._client.ConnectAsync(IPAddress.Loopback, port);
        return raw;
    }

    public NetworkStream Stream => _client.GetStream();

    public Task SendAsync(ReadOnlyMemory<byte> bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>The AMQP header and an open frame, as a client starts without SASL.</summary>
    public static byte[] HeaderAndOpen()
    {
        var buffer = new ArrayBufferWriter<byte>();
        AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Amqp);
        AmqpFrameWriter.WriteFrame(buffer, 0, new Open("raw-test") { MaxFrameSize = 65536 });
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads until the server closes the socket (or the time runs out); returns every byte.</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var all = new MemoryStream();
        byte[] chunk = new byte[4096];
        try
        {
            while (true)
            {
                int n = await Stream.ReadAsync(chunk, cts.Token);
                if (n == 0)
                {
                    break;
                }
                all.Write(chunk, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server did not close the connection.");
        }
        catch (IOException)
        {
        }
        return all.ToArray();
    }

    /// <summary>The condition of the close frame in what the server sent after its header, if any.</summary>
    public static string? CloseCondition(byte[] received)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(received));
        if (!AmqpFrameReader.TryReadProtocolHeader(ref reader, out _, out _))
        {
            return null;
        }
        while (AmqpFrameReader.TryReadFrame(ref reader, uint.MaxValue, out AmqpFrame frame, out _))
        {
            if (!frame.IsEmpty && PerformativeDecoder.PeekDescriptorCode(frame.Body) == Omnibus.Amqp.Types.DescriptorCodes.Close)
            {
                return PerformativeDecoder.Decode<Close>(frame.Body, out _).Error?.Condition.ToString();
            }
        }
        return null;
    }

    public void Dispose() => _client.Dispose();
}
