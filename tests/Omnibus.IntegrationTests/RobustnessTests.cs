using Azure.Messaging.ServiceBus;

namespace Omnibus.IntegrationTests;

public sealed class RobustnessTests(BrokerHostFixture fixture) : IClassFixture<BrokerHostFixture>
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_frame_larger_than_the_max_frame_size_closes_the_connection_with_frame_size_too_small()
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        await raw.SendAsync(RawAmqpConnection.HeaderAndOpen());
        await raw.SendAsync(new byte[] { 0x7f, 0xff, 0xff, 0xff, 2, 0, 0, 0 });
        byte[] received = await raw.ReadToEndAsync(CloseWait);
        Assert.Equal("amqp:frame-size-too-small", RawAmqpConnection.CloseCondition(received));
    }

    [Fact]
    public async Task A_frame_with_a_bad_data_offset_closes_the_connection_with_decode_error()
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        await raw.SendAsync(RawAmqpConnection.HeaderAndOpen());
        await raw.SendAsync(new byte[] { 0, 0, 0, 12, 1, 0, 0, 0, 1, 2, 3, 4 });
        byte[] received = await raw.ReadToEndAsync(CloseWait);
        Assert.Equal("amqp:decode-error", RawAmqpConnection.CloseCondition(received));
    }

    [Fact]
    public async Task A_frame_whose_body_is_garbage_closes_the_connection_with_decode_error()
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        await raw.SendAsync(RawAmqpConnection.HeaderAndOpen());
        await raw.SendAsync(new byte[] { 0, 0, 0, 16, 2, 0, 0, 0, 0x00, 0xd0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 });
        byte[] received = await raw.ReadToEndAsync(CloseWait);
        Assert.Equal("amqp:decode-error", RawAmqpConnection.CloseCondition(received));
    }

    [Fact]
    public async Task Bytes_that_are_not_AMQP_get_the_protocol_header_and_a_closed_socket()
    {
        using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
        await raw.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        byte[] received = await raw.ReadToEndAsync(CloseWait);
        Assert.Equal("AMQP"u8.ToArray(), received[..4]);
    }

    [Fact]
    public async Task Random_and_truncated_frames_never_take_the_broker_down()
    {
        string queue = Host.CreateQueue();
        await using ServiceBusClient client = Host.CreateClient();
        await using ServiceBusSender sender = client.CreateSender(queue);
        await sender.SendMessageAsync(new ServiceBusMessage("before"));

        var random = new Random(1234);
        var tasks = new List<Task>();
        for (int i = 0; i < 40; i++)
        {
            byte[] garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            if (i % 2 == 0 && garbage.Length >= 8)
            {
                // A plausible header (size within the frame, doff 2) so the body decoder sees the junk.
                garbage[0] = 0;
                garbage[1] = 0;
                garbage[2] = (byte)(garbage.Length >> 8);
                garbage[3] = (byte)garbage.Length;
                garbage[4] = 2;
                garbage[5] = 0;
            }
            bool truncate = i % 3 == 0;
            tasks.Add(Task.Run(async () =>
            {
                using RawAmqpConnection raw = await RawAmqpConnection.OpenAsync(Host.Port);
                await raw.SendAsync(RawAmqpConnection.HeaderAndOpen());
                await raw.SendAsync(truncate ? garbage[..(garbage.Length / 2)] : garbage);
                if (truncate)
                {
                    // A truncated frame leaves the server waiting for the rest; hanging up must be harmless.
                    return;
                }
                try
                {
                    await raw.ReadToEndAsync(TimeSpan.FromSeconds(2));
                }
                catch (TimeoutException)
                {
                    // Junk that happens to be a valid partial frame waits for more bytes; also fine.
                }
            }));
        }
        await Task.WhenAll(tasks);

        await sender.SendMessageAsync(new ServiceBusMessage("after"));
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var bodies = new List<string>();
        while (bodies.Count < 2)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(10, TimeSpan.FromSeconds(10));
            Assert.NotEmpty(batch); // a lost message fails here instead of looping forever
            foreach (ServiceBusReceivedMessage m in batch)
            {
                bodies.Add(m.Body.ToString());
            }
        }
        Assert.Equal(["before", "after"], bodies);
    }
}
