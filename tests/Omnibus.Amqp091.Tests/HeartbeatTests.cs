using Omnibus.Testing;

namespace Omnibus.Amqp091.Tests;

/// <summary>A peer that negotiated heartbeats and then says nothing for two intervals is dropped (real time: a socket's silence is not on the broker's clock).</summary>
public sealed class HeartbeatTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_client_silent_for_two_heartbeat_intervals_is_disconnected_and_one_that_sends_heartbeats_is_not()
    {
        using RawConnection silent = await RawConnection.OpenAsync(_broker.AmqpPort, heartbeat: 1);
        using RawConnection alive = await RawConnection.OpenAsync(_broker.AmqpPort, heartbeat: 1);
        Task<bool> silentClosed = silent.ClosedByBrokerAsync(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 12; i++)
        {
            await alive.SendAsync([8, 0, 0, 0, 0, 0, 0, 0xCE]);
            await Task.Delay(250);
        }

        Assert.True(await silentClosed);
        await alive.SendMethodAsync(1, Codec.MethodIds.ChannelOpen, w => w.ShortString(""));
        await alive.ExpectMethodAsync(Codec.MethodIds.ChannelOpenOk);
    }
}
