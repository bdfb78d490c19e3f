using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Types;

namespace Omnibus.Tests.Shared;

/// <summary>One frame as the server sent it: channel, descriptor code, and the body (performative and payload) copied out.</summary>
internal sealed record RawFrame(ushort Channel, ulong Code, byte[] Body)
{
    public T Decode<T>()
        where T : struct, IPerformative<T> => PerformativeDecoder.Decode<T>(new ReadOnlySequence<byte>(Body), out _);

    public override string ToString() => $"ch{Channel} 0x{Code:x}";
}

/// <summary>
/// A bare AMQP client over a socket, frame by frame through the codec: for protocol tests that
/// need exact control of what is sent when (frames in one write, a client that stops reading).
/// </summary>
internal sealed class RawAmqpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private byte[] _pending = new byte[64 * 1024];
    private int _pendingLength;
    private bool _headerSeen;
    private bool _saslDone;

    private RawAmqpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects; a small receive buffer keeps what the kernel holds for a client that stops reading small.</summary>
    public static async Task<RawAmqpClient> ConnectAsync(int port, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is int size)
        {
            socket.ReceiveBufferSize = size;
        }
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawAmqpClient(socket);
    }

    /// <summary>SASL PLAIN with a key name and key (authorizes the whole connection), then the AMQP header and open.</summary>
    public async Task OpenAsync(string keyName = "RootManageSharedAccessKey", string key = "SAS_KEY_VALUE", uint maxFrameSize = 65536)
    {
        await SendAsync(buffer =>
        {
            AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Sasl);
            AmqpFrameWriter.WriteFrame(buffer, 0, new SaslInit(KnownSymbols.Plain, Encoding.UTF8.GetBytes("\0" + keyName + "\0" + key)));
            AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Amqp);
            AmqpFrameWriter.WriteFrame(buffer, 0, new Open("raw-client") { MaxFrameSize = maxFrameSize, ChannelMax = 255 });
        });
        RawFrame mechanisms = await ReadFrameAsync(TimeSpan.FromSeconds(10));
        RawFrame outcome = await ReadFrameAsync(TimeSpan.FromSeconds(10));
        if (outcome.Decode<SaslOutcome>().Code != SaslCode.Ok || mechanisms.Code != DescriptorCodes.SaslMechanisms)
        {
            throw new InvalidOperationException("SASL failed.");
        }
        await ExpectAsync(DescriptorCodes.Open, TimeSpan.FromSeconds(10));
    }

    /// <summary>SASL without credentials (MSSBCBS or ANONYMOUS: authorization would follow through $cbs), then the AMQP header and open.</summary>
    public async Task OpenWithoutCredentialsAsync(string mechanism = "MSSBCBS")
    {
        await SendAsync(buffer =>
        {
            AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Sasl);
            AmqpFrameWriter.WriteFrame(buffer, 0, new SaslInit(AmqpSymbol.FromString(mechanism), null));
            AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Amqp);
            AmqpFrameWriter.WriteFrame(buffer, 0, new Open("raw-client") { MaxFrameSize = 65536, ChannelMax = 255 });
        });
        await ExpectAsync(DescriptorCodes.SaslOutcome, TimeSpan.FromSeconds(10));
        await ExpectAsync(DescriptorCodes.Open, TimeSpan.FromSeconds(10));
    }

    /// <summary>Begins a session on <paramref name="channel"/>; returns the server's begin.</summary>
    public async Task<RawFrame> BeginAsync(ushort channel = 0, uint? handleMax = null)
    {
        await SendFrameAsync(channel, new Begin { NextOutgoingId = 0, IncomingWindow = int.MaxValue, OutgoingWindow = int.MaxValue, HandleMax = handleMax });
        return await ExpectAsync(DescriptorCodes.Begin, TimeSpan.FromSeconds(10));
    }

    /// <summary>Attaches a peek-lock receiver to <paramref name="address"/> and grants it credit; returns the server's attach.</summary>
    public async Task<RawFrame> AttachReceiverAsync(ushort channel, uint handle, string address, uint credit)
    {
        await SendAsync(buffer =>
        {
            AmqpFrameWriter.WriteFrame(buffer, channel, new Attach
            {
                Name = "raw-receiver-" + handle,
                Handle = handle,
                Role = LinkRole.Receiver,
                SndSettleMode = SenderSettleMode.Unsettled,
                RcvSettleMode = ReceiverSettleMode.Second,
                Source = new Source { Address = address },
                Target = new Target { Address = "raw-client" },
            });
            AmqpFrameWriter.WriteFrame(buffer, channel, new Flow
            {
                NextIncomingId = 0,
                IncomingWindow = int.MaxValue,
                NextOutgoingId = 0,
                OutgoingWindow = int.MaxValue,
                Handle = handle,
                DeliveryCount = 0,
                LinkCredit = credit,
            });
        });
        return await ExpectAsync(DescriptorCodes.Attach, TimeSpan.FromSeconds(10));
    }

    public Task SendFrameAsync<T>(ushort channel, T performative)
        where T : struct, IPerformative<T> => SendAsync(buffer => AmqpFrameWriter.WriteFrame(buffer, channel, performative));

    /// <summary>Writes whatever <paramref name="write"/> puts in the buffer with one socket write.</summary>
    public async Task SendAsync(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        await _stream.WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>Reads frames until one with <paramref name="code"/> arrives (others are skipped).</summary>
    public async Task<RawFrame> ExpectAsync(ulong code, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            RawFrame frame = await ReadFrameAsync(cts.Token);
            if (frame.Code == code)
            {
                return frame;
            }
        }
    }

    public async Task<RawFrame> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await ReadFrameAsync(cts.Token);
    }

    /// <summary>The next non-empty frame (protocol headers and heartbeats are skipped); throws at end of stream.</summary>
    public async Task<RawFrame> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTakeFrame(out RawFrame? frame))
            {
                return frame!;
            }
            if (_pendingLength == _pending.Length)
            {
                Array.Resize(ref _pending, _pending.Length * 2);
            }
            int n = await _stream.ReadAsync(_pending.AsMemory(_pendingLength), cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException("The server closed the connection.");
            }
            _pendingLength += n;
        }
    }

    /// <summary>Reads until the server closes the socket; returns every frame it sent until then.</summary>
    public async Task<List<RawFrame>> ReadToEndAsync(TimeSpan timeout)
    {
        var frames = new List<RawFrame>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                frames.Add(await ReadFrameAsync(cts.Token));
            }
        }
        catch (EndOfStreamException)
        {
        }
        catch (IOException)
        {
        }
        return frames;
    }

    private bool TryTakeFrame(out RawFrame? frame)
    {
        frame = null;
        while (true)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_pending, 0, _pendingLength));
            if (!_headerSeen)
            {
                if (!AmqpFrameReader.TryReadProtocolHeader(ref reader, out _, out _))
                {
                    return false;
                }
                _headerSeen = true;
                Consume((int)reader.Consumed);
                continue;
            }
            if (!AmqpFrameReader.TryReadFrame(ref reader, uint.MaxValue, out AmqpFrame raw, out FrameError error))
            {
                if (error != FrameError.None)
                {
                    throw new InvalidDataException("Bad frame from the server: " + error);
                }
                return false;
            }
            int consumed = (int)reader.Consumed;
            if (!raw.IsEmpty)
            {
                frame = new RawFrame(raw.Channel, PerformativeDecoder.PeekDescriptorCode(raw.Body), raw.Body.ToArray());
            }
            Consume(consumed);
            if (frame is not null)
            {
                if (!_saslDone && frame.Code == DescriptorCodes.SaslOutcome)
                {
                    // The AMQP header follows the SASL outcome.
                    _headerSeen = false;
                    _saslDone = true;
                }
                return true;
            }
        }
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(_pending, count, _pending, 0, _pendingLength - count);
        _pendingLength -= count;
    }

    public void Dispose() => _stream.Dispose();
}
