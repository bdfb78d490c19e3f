using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Core.Entities;
using Omnibus.Tests.Shared;

namespace Omnibus.Amqp.Tests.Connection;

/// <summary>handle-max (spec part 2, 2.7.2 and 2.7.3): announced in begin, enforced on attach.</summary>
public sealed class HandleMaxTests(ListenerHost host) : IClassFixture<ListenerHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static Attach ReceiverAttach(uint handle, string address) => new()
    {
        Name = "link-" + handle,
        Handle = handle,
        Role = LinkRole.Receiver,
        RcvSettleMode = ReceiverSettleMode.Second,
        Source = new Source { Address = address },
        Target = new Target { Address = "raw" },
    };

    private string CreateQueue()
    {
        string name = "q-" + Guid.NewGuid().ToString("N");
        host.Broker.CreateQueue(new QueueDescription { Name = name });
        return name;
    }

    [Fact]
    public async Task Begin_announces_the_session_handle_max()
    {
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(host.Port);
        await client.OpenAsync();
        RawFrame begin = await client.BeginAsync();
        Assert.Equal(AmqpSession.HandleMax, begin.Decode<Begin>().HandleMax);
    }

    [Fact]
    public async Task An_attach_at_the_handle_max_is_accepted()
    {
        string queue = CreateQueue();
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(host.Port);
        await client.OpenAsync();
        await client.BeginAsync();
        await client.SendFrameAsync(0, ReceiverAttach(AmqpSession.HandleMax, queue));
        RawFrame attach = await client.ExpectAsync(DescriptorCodes.Attach, Wait);
        Assert.Equal(AmqpSession.HandleMax, attach.Decode<Attach>().Handle);
        Assert.NotNull(attach.Decode<Attach>().Source);
    }

    [Theory]
    [InlineData(AmqpSession.HandleMax + 1)]
    [InlineData(uint.MaxValue)]
    public async Task An_attach_above_the_handle_max_closes_the_connection_with_framing_error(uint handle)
    {
        string queue = CreateQueue();
        using RawAmqpClient client = await RawAmqpClient.ConnectAsync(host.Port);
        await client.OpenAsync();
        await client.BeginAsync();
        await client.SendFrameAsync(0, ReceiverAttach(handle, queue));
        List<RawFrame> frames = await client.ReadToEndAsync(Wait);
        Assert.DoesNotContain(frames, f => f.Code == DescriptorCodes.Attach);
        RawFrame close = Assert.Single(frames, f => f.Code == DescriptorCodes.Close);
        Assert.Equal(ErrorConditions.FramingError, close.Decode<Close>().Error?.Condition);
    }

    [Fact]
    public async Task The_listener_keeps_serving_after_a_connection_closed_for_a_bad_handle()
    {
        string queue = CreateQueue();
        using (RawAmqpClient bad = await RawAmqpClient.ConnectAsync(host.Port))
        {
            await bad.OpenAsync();
            await bad.BeginAsync();
            await bad.SendFrameAsync(0, ReceiverAttach(AmqpSession.HandleMax + 1, queue));
            await bad.ReadToEndAsync(Wait);
        }
        using RawAmqpClient good = await RawAmqpClient.ConnectAsync(host.Port);
        await good.OpenAsync();
        await good.BeginAsync();
        RawFrame attach = await good.AttachReceiverAsync(0, 0, queue, 1);
        Assert.NotNull(attach.Decode<Attach>().Source);
    }
}
