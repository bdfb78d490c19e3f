using System.Buffers.Binary;
using System.Net.Sockets;
using Omnibus.Kafka.Protocol;
using Omnibus.Testing;

namespace Omnibus.Kafka.Tests;

/// <summary>One socket to the broker for requests no client sends as a test needs; answers read whole, past their header.</summary>
internal sealed class RawKafkaConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlation;

    private RawKafkaConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawKafkaConnection> OpenAsync(OmnibusTestBroker broker)
    {
        string[] hostPort = broker.KafkaBootstrapServers.Split(':');
        var client = new TcpClient();
        await client.ConnectAsync(hostPort[0], int.Parse(hostPort[1], System.Globalization.CultureInfo.InvariantCulture));
        return new RawKafkaConnection(client);
    }

    /// <summary>Sends a request (its body in the version's encoding, flexible or not) and reads its answer's body.</summary>
    public async Task<KafkaReader> CallAsync(ApiKey key, short version, Action<KafkaWriter> body)
    {
        int correlation = ++_correlation;
        await _stream.WriteAsync(CodecTests.Request((short)key, version, correlation, "raw", body));
        byte[] answer = await ReadFrameAsync(CancellationToken.None);
        Assert.Equal(correlation, BinaryPrimitives.ReadInt32BigEndian(answer));
        var reader = new KafkaReader(answer.AsMemory(4), ApiVersionTable.IsFlexible((short)key, version));
        if (ApiVersionTable.ResponseHeaderHasTags((short)key, version))
        {
            reader.SkipTags();
        }
        return reader;
    }

    /// <summary>Writes bytes as they are: a frame no client would send.</summary>
    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one size-prefixed answer whole (its correlation id first), or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameOrCloseAsync(double seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await ReadFrameAsync(timeout.Token);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    private async Task<byte[]> ReadFrameAsync(CancellationToken cancellationToken)
    {
        byte[] size = new byte[4];
        await _stream.ReadExactlyAsync(size, cancellationToken);
        byte[] frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await _stream.ReadExactlyAsync(frame, cancellationToken);
        return frame;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
