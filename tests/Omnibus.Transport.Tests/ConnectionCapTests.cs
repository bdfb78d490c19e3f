using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Transport.Admission;

namespace Omnibus.Transport.Tests;

/// <summary>Raw sockets against the gate: idle connections cannot exhaust the process.</summary>
public sealed class ConnectionCapTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Idle_sockets_beyond_the_total_cap_are_closed_at_once_while_those_admitted_keep_working()
    {
        await using TransportHost host = await TransportHost.StartAsync(o => o.MaxConnections = 20);
        var admitted = new List<Socket>();
        for (int i = 0; i < 20; i++)
        {
            admitted.Add(await host.ConnectAsync());
        }
        await host.WaitForOpenAsync(20);

        for (int i = 0; i < 5; i++)
        {
            using Socket refused = await host.ConnectAsync();
            Assert.Empty(await refused.ReadToEndAsync(Quick));
        }
        Assert.Equal(5, host.Observer.Count(ConnectionRefusal.TotalCap));
        Assert.Equal(20, host.Gate.OpenConnections);

        await admitted[0].SendAsync(TransportHost.Amqp10);
        Assert.Equal("one"u8.ToArray(), await admitted[0].ReadExactlyAsync(3, Quick));

        // A slot freed is a slot taken again.
        admitted[1].Dispose();
        await host.WaitForOpenAsync(19);
        using Socket next = await host.ConnectAsync();
        await next.SendAsync(TransportHost.Amqp10);
        Assert.Equal("one"u8.ToArray(), await next.ReadExactlyAsync(3, Quick));
        admitted.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task One_source_address_cannot_take_more_than_its_cap_while_another_address_still_connects()
    {
        await using TransportHost host = await TransportHost.StartAsync(o => o.MaxConnectionsPerAddress = 3);
        var admitted = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            admitted.Add(await host.ConnectAsync());
        }
        await host.WaitForOpenAsync(3);

        using Socket refused = await host.ConnectAsync();
        Assert.Empty(await refused.ReadToEndAsync(Quick));
        Assert.Equal(1, host.Observer.Count(ConnectionRefusal.AddressCap));

        using Socket other = await host.ConnectAsync(IPAddress.Parse("127.0.0.2"));
        await other.SendAsync(TransportHost.Amqp10);
        Assert.Equal("one"u8.ToArray(), await other.ReadExactlyAsync(3, Quick));
        admitted.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Connections_that_have_not_authenticated_are_capped_apart_from_authenticated_ones()
    {
        await using TransportHost host = await TransportHost.StartAsync(o => o.MaxUnauthenticatedConnections = 2);
        using Socket first = await host.ConnectAsync();
        using Socket second = await host.ConnectAsync();
        await host.WaitForOpenAsync(2);

        using (Socket refused = await host.ConnectAsync())
        {
            Assert.Empty(await refused.ReadToEndAsync(Quick));
        }
        Assert.Equal(1, host.Observer.Count(ConnectionRefusal.UnauthenticatedCap));

        // Once one authenticates, it no longer counts against the cap.
        await first.SendAsync(TransportHost.Auth);
        Assert.Equal("ok"u8.ToArray(), await first.ReadExactlyAsync(2, Quick));
        Assert.Equal(1, host.Gate.UnauthenticatedConnections);
        using Socket third = await host.ConnectAsync();
        await third.SendAsync(TransportHost.Amqp10);
        Assert.Equal("one"u8.ToArray(), await third.ReadExactlyAsync(3, Quick));
    }

    [Fact]
    public async Task A_connection_that_does_not_authenticate_in_time_is_closed_and_an_authenticated_one_stays()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using TransportHost host = await TransportHost.StartAsync(o =>
        {
            o.AuthenticationTimeout = TimeSpan.FromSeconds(10);
            o.Clock = clock;
        });
        using Socket silent = await host.ConnectAsync();
        using Socket talking = await host.ConnectAsync();
        using Socket authenticated = await host.ConnectAsync();
        await host.WaitForOpenAsync(3);
        await talking.SendAsync(TransportHost.Amqp10);
        Assert.Equal("one"u8.ToArray(), await talking.ReadExactlyAsync(3, Quick));
        await authenticated.SendAsync(TransportHost.Auth);
        Assert.Equal("ok"u8.ToArray(), await authenticated.ReadExactlyAsync(2, Quick));

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True(await silent.StaysOpenAsync(TimeSpan.FromMilliseconds(200)));
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(await silent.ReadToEndAsync(Quick));
        await talking.ReadToEndAsync(Quick);
        Assert.True(await authenticated.StaysOpenAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(2, host.Observer.Count(ConnectionRefusal.AuthenticationTimeout));
        await host.WaitForOpenAsync(1);
    }

    [Fact]
    public void Caps_are_clamped_below_the_file_handle_limit_with_room_for_the_broker_own_files()
    {
        var options = new ConnectionGateOptions { MaxConnections = 10_000, MaxConnectionsPerAddress = 5_000, MaxUnauthenticatedConnections = 2_000, ReservedFileHandles = 256 };

        IReadOnlyList<string> lowered = options.ClampTo(1024);

        Assert.Equal(768, options.MaxConnections);
        Assert.Equal(768, options.MaxConnectionsPerAddress);
        Assert.Equal(768, options.MaxUnauthenticatedConnections);
        Assert.Equal(3, lowered.Count);
    }

    [Fact]
    public void The_soft_file_handle_limit_is_raised_to_the_hard_limit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // limits are read and raised on Linux (and macOS) only
        }
        ulong? raised = FileHandleLimit.RaiseSoftToHard();
        (ulong Soft, ulong Hard)? now = FileHandleLimit.Current();
        Assert.NotNull(raised);
        Assert.NotNull(now);
        Assert.Equal(now.Value.Soft, raised.Value);
        Assert.True(now.Value.Soft == now.Value.Hard || now.Value.Hard == ulong.MaxValue);
    }

    [Fact]
    public void Refusals_are_logged_once_per_interval_with_the_count_since_the_last_line()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new RefusalLog(clock, TimeSpan.FromSeconds(10));

        Assert.True(log.ShouldLog(ConnectionRefusal.TotalCap, out long first));
        int lines = 0;
        for (int i = 0; i < 99; i++)
        {
            lines += log.ShouldLog(ConnectionRefusal.TotalCap, out _) ? 1 : 0;
        }
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(log.ShouldLog(ConnectionRefusal.TotalCap, out long later));

        Assert.Equal(1, first);
        Assert.Equal(0, lines);
        Assert.Equal(100, later);
        Assert.True(log.ShouldLog(ConnectionRefusal.AddressCap, out _));
    }
}
