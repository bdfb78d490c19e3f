using System.Text;
using Omnibus.Amqp091.Codec;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.Amqp091.Tests;

/// <summary>What no real client sends: each gets RabbitMQ's reply code, and the broker goes on serving.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task StillServesAsync()
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort };
        await using IConnection connection = await factory.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("still", durable: true, exclusive: false, autoDelete: false);
        await channel.BasicPublishAsync("", "still", Encoding.UTF8.GetBytes("ok"));
        BasicGetResult? got = null;
        for (int i = 0; i < 50 && got is null; i++)
        {
            got = await channel.BasicGetAsync("still", autoAck: true);
            await Task.Delay(got is null ? 20 : 0);
        }
        Assert.Equal("ok", Encoding.UTF8.GetString(got!.Body.Span));
    }

    [Fact]
    public async Task A_frame_without_its_end_byte_is_a_frame_error_that_closes_the_connection()
    {
        using RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort);
        byte[] frame = RawConnection.Method(1, MethodIds.ChannelOpen, w => w.ShortString(""));
        frame[^1] = 0x00;
        await raw.SendAsync(frame);
        Assert.Equal(ReplyCodes.FrameError, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
        await raw.SendMethodAsync(0, MethodIds.ConnectionCloseOk);
        Assert.True(await raw.ClosedByBrokerAsync(TimeSpan.FromSeconds(5)));
        await StillServesAsync();
    }

    [Fact]
    public async Task A_frame_over_the_negotiated_maximum_is_a_frame_error()
    {
        using RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort);
        await raw.SendAsync([1, 0, 1, 0x00, 0x10, 0x00, 0x00]); // a method frame announcing 1 MiB
        Assert.Equal(ReplyCodes.FrameError, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
        await StillServesAsync();
    }

    [Fact]
    public async Task An_unknown_method_is_command_invalid_and_a_frame_on_an_unopened_channel_a_channel_error()
    {
        using (RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort))
        {
            await raw.SendMethodAsync(0, 99u << 16 | 99);
            Assert.Equal(ReplyCodes.CommandInvalid, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
        }
        using (RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort))
        {
            await raw.SendMethodAsync(5, MethodIds.BasicQos, w => w.Long(0).Short(10).Bit(false));
            Assert.Equal(ReplyCodes.ChannelError, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
        }
        await StillServesAsync();
    }

    [Fact]
    public async Task Content_without_a_publish_and_truncated_arguments_close_the_connection_with_their_codes()
    {
        using (RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort))
        {
            await raw.SendMethodAsync(1, MethodIds.ChannelOpen, w => w.ShortString(""));
            await raw.ExpectMethodAsync(MethodIds.ChannelOpenOk);
            await raw.SendAsync([2, 0, 1, 0, 0, 0, 2, 0, 60, 0xCE]); // a content header out of nowhere
            Assert.Equal(ReplyCodes.UnexpectedFrame, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
        }
        using (RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort))
        {
            await raw.SendMethodAsync(1, MethodIds.ChannelOpen, w => w.ShortString(""));
            await raw.ExpectMethodAsync(MethodIds.ChannelOpenOk);
            await raw.SendMethodAsync(1, MethodIds.QueueDeclare, w => w.Short(0)); // the queue name and the rest missing
            Assert.Equal(ReplyCodes.SyntaxError, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
        }
        await StillServesAsync();
    }

    [Fact]
    public async Task An_unknown_delivery_tag_closes_only_the_channel_and_the_connection_serves_a_new_one()
    {
        using RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort);
        await raw.SendMethodAsync(1, MethodIds.ChannelOpen, w => w.ShortString(""));
        await raw.ExpectMethodAsync(MethodIds.ChannelOpenOk);
        await raw.SendMethodAsync(1, MethodIds.BasicAck, w => w.LongLong(42).Bit(false));
        Assert.Equal(ReplyCodes.PreconditionFailed, await raw.ExpectCloseAsync(MethodIds.ChannelClose));
        await raw.SendMethodAsync(1, MethodIds.ChannelCloseOk);
        await raw.SendMethodAsync(2, MethodIds.ChannelOpen, w => w.ShortString(""));
        await raw.ExpectMethodAsync(MethodIds.ChannelOpenOk);
    }

    [Fact]
    public async Task Garbage_instead_of_the_protocol_header_gets_the_amqp_header_and_a_closed_socket()
    {
        using RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort, handshake: false);
        await raw.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        byte[] answer = await raw.ReadToEndAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("AMQP"u8.ToArray(), answer[..4]);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_wrong_password_with_authentication_failure_close_gets_access_refused()
    {
        using RawConnection raw = await RawConnection.OpenAsync(_broker.AmqpPort, handshake: false);
        await raw.SendAsync(FrameCodec.ProtocolHeader.ToArray());
        await raw.ExpectMethodAsync(MethodIds.ConnectionStart);
        await raw.SendMethodAsync(0, MethodIds.ConnectionStartOk, w => w.Table(new Dictionary<string, object?> { ["capabilities"] = new Dictionary<string, object?> { ["authentication_failure_close"] = true } })
            .ShortString("PLAIN").LongString("\0guest\0nope"u8).ShortString("en_US"));
        Assert.Equal(ReplyCodes.AccessRefused, await raw.ExpectCloseAsync(MethodIds.ConnectionClose));
    }
}
