namespace Omnibus.Transport.Tests;

/// <summary>First-bytes detection: two protocols on one port, and what neither claims.</summary>
public sealed class ProtocolDetectionTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Amqp_1_0_and_amqp_0_9_1_headers_reach_their_own_handlers_on_one_port()
    {
        await using TransportHost host = await TransportHost.StartAsync();
        using System.Net.Sockets.Socket one = await host.ConnectAsync();
        using System.Net.Sockets.Socket old = await host.ConnectAsync();

        await old.SendAsync(TransportHost.Amqp091);
        await one.SendAsync(TransportHost.Amqp10);

        Assert.Equal("091"u8.ToArray(), await old.ReadExactlyAsync(3, Quick));
        Assert.Equal("one"u8.ToArray(), await one.ReadExactlyAsync(3, Quick));
    }

    [Fact]
    public async Task A_header_sent_a_byte_at_a_time_is_still_detected()
    {
        await using TransportHost host = await TransportHost.StartAsync();
        using System.Net.Sockets.Socket socket = await host.ConnectAsync();
        foreach (byte b in TransportHost.Amqp091)
        {
            await socket.SendAsync(new[] { b });
            await Task.Delay(5);
        }
        Assert.Equal("091"u8.ToArray(), await socket.ReadExactlyAsync(3, Quick));
    }

    [Fact]
    public async Task A_header_no_protocol_claims_gets_the_refusal_and_the_listener_keeps_serving()
    {
        await using TransportHost host = await TransportHost.StartAsync(with091: false);
        using (System.Net.Sockets.Socket old = await host.ConnectAsync())
        {
            await old.SendAsync(TransportHost.Amqp091);
            Assert.Equal(TransportHost.Amqp10, await old.ReadToEndAsync(Quick));
        }
        using (System.Net.Sockets.Socket garbage = await host.ConnectAsync())
        {
            await garbage.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            Assert.Equal(TransportHost.Amqp10, await garbage.ReadToEndAsync(Quick));
        }
        using (System.Net.Sockets.Socket shortLived = await host.ConnectAsync())
        {
            await shortLived.SendAsync("AM"u8.ToArray());
            shortLived.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.Equal(TransportHost.Amqp10, await shortLived.ReadToEndAsync(Quick));
        }
        using System.Net.Sockets.Socket good = await host.ConnectAsync();
        await good.SendAsync(TransportHost.Amqp10);
        Assert.Equal("one"u8.ToArray(), await good.ReadExactlyAsync(3, Quick));
    }

    [Fact]
    public async Task A_port_with_one_protocol_for_any_bytes_hands_the_connection_over_before_a_byte_arrives()
    {
        await using TransportHost host = await TransportHost.StartAsync(anyBytesOnly: true);
        using System.Net.Sockets.Socket socket = await host.ConnectAsync();
        Assert.Equal("any"u8.ToArray(), await socket.ReadExactlyAsync(3, Quick));
    }
}
