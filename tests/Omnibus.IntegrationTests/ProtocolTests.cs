using System.Buffers;
using System.Text;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Types;

namespace Omnibus.IntegrationTests;

/// <summary>Protocol behaviour seen from a bare socket: SASL mechanisms and outcomes, heartbeats, close.</summary>
public sealed class ProtocolTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private BrokerHost Host => fixture.Host;

    private static byte[] SaslInit(string mechanism, string? user = null, string? password = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Sasl);
        ReadOnlyMemory<byte>? response = user is null ? null : Encoding.UTF8.GetBytes("\0" + user + "\0" + password);
        AmqpFrameWriter.WriteFrame(buffer, 0, new SaslInit(AmqpSymbol.FromString(mechanism), response));
        return buffer.WrittenSpan.ToArray();
    }

    private static async Task<List<AmqpFrame>> ReadFramesAsync(RawAmqpConnection raw, int headers, int frames, TimeSpan timeout)
    {
        var received = new MemoryStream();
        byte[] chunk = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var list = new List<AmqpFrame>();
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(received.ToArray()));
            int seenHeaders = 0;
            while (true)
            {
                long before = reader.Consumed;
                if (seenHeaders < headers && AmqpFrameReader.TryReadProtocolHeader(ref reader, out _, out _))
                {
                    seenHeaders++;
                    continue;
                }
                reader.Rewind(reader.Consumed - before);
                if (!AmqpFrameReader.TryReadFrame(ref reader, uint.MaxValue, out AmqpFrame frame, out _))
                {
                    break;
                }
                list.Add(frame);
            }
            if (list.Count >= frames)
            {
                return list;
            }
            int n = await raw.Stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
            {
                return list;
            }
            received.Write(chunk, 0, n);
        }
    }

    [Theory]
    [InlineData("MSSBCBS")]
    [InlineData("ANONYMOUS")]
    public async Task Sasl_offers_the_service_bus_mechanisms_and_accepts_them_without_credentials(string mechanism)
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        await raw.SendAsync(SaslInit(mechanism));
        List<AmqpFrame> frames = await ReadFramesAsync(raw, 1, 2, TimeSpan.FromSeconds(10));
        SaslMechanisms mechanisms = PerformativeDecoder.Decode<SaslMechanisms>(frames[0].Body, out _);
        Assert.Equal(["MSSBCBS", "PLAIN", "ANONYMOUS"], mechanisms.ServerMechanisms.Select(m => m.ToString()));
        Assert.Equal(SaslCode.Ok, PerformativeDecoder.Decode<SaslOutcome>(frames[1].Body, out _).Code);
    }

    [Theory]
    [InlineData("SAS_KEY_VALUE", SaslCode.Ok)]
    [InlineData("wrong", SaslCode.Auth)]
    public async Task Sasl_plain_checks_the_key_name_and_key(string password, SaslCode expected)
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        await raw.SendAsync(SaslInit("PLAIN", "RootManageSharedAccessKey", password));
        List<AmqpFrame> frames = await ReadFramesAsync(raw, 1, 2, TimeSpan.FromSeconds(10));
        Assert.Equal(expected, PerformativeDecoder.Decode<SaslOutcome>(frames[1].Body, out _).Code);
    }

    [Fact]
    public async Task Open_is_answered_with_the_listener_limits_and_heartbeats_follow_the_peer_idle_time_out()
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        var buffer = new ArrayBufferWriter<byte>();
        AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Amqp);
        AmqpFrameWriter.WriteFrame(buffer, 0, new Open("raw") { IdleTimeOut = 1500 });
        await raw.SendAsync(buffer.WrittenMemory);
        // Open, then at least one empty frame within the 1.5 s the peer announced.
        List<AmqpFrame> frames = await ReadFramesAsync(raw, 1, 2, TimeSpan.FromSeconds(3));
        Open open = PerformativeDecoder.Decode<Open>(frames[0].Body, out _);
        Assert.Equal(65536u, open.MaxFrameSize);
        Assert.Equal(60000u, open.IdleTimeOut);
        Assert.True(frames[1].IsEmpty);
    }

    [Fact]
    public async Task Close_is_answered_with_close()
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        var buffer = new ArrayBufferWriter<byte>();
        AmqpFrameWriter.WriteProtocolHeader(buffer, ProtocolHeader.Amqp);
        AmqpFrameWriter.WriteFrame(buffer, 0, new Open("raw"));
        AmqpFrameWriter.WriteFrame(buffer, 0, new Close(null));
        await raw.SendAsync(buffer.WrittenMemory);
        List<AmqpFrame> frames = await ReadFramesAsync(raw, 1, 2, TimeSpan.FromSeconds(5));
        Assert.Equal(DescriptorCodes.Close, PerformativeDecoder.PeekDescriptorCode(frames[1].Body));
    }
}
