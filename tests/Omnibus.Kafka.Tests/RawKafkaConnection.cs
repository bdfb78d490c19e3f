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
        byte[] size = new byte[4];
        await _stream.ReadExactlyAsync(size);
        byte[] answer = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await _stream.ReadExactlyAsync(answer);
        Assert.Equal(correlation, BinaryPrimitives.ReadInt32BigEndian(answer));
        var reader = new KafkaReader(answer.AsMemory(4), ApiVersionTable.IsFlexible((short)key, version));
        if (ApiVersionTable.ResponseHeaderHasTags((short)key, version))
        {
            reader.SkipTags();
        }
        return reader;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
