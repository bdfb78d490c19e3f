using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnibus.Transport.Admission;
using Omnibus.Transport.Detection;

namespace Omnibus.Transport.Tests;

/// <summary>
/// Kestrel on a free loopback port serving the transport with two stand-in protocols: an
/// "AMQP 1.0" one that answers <c>one</c> and an "AMQP 0-9-1" one that answers <c>091</c>; a
/// connection whose first bytes are <c>AUTH....</c> authenticates and answers <c>ok</c>. Unmatched
/// first bytes get the AMQP-style refusal: the supported header, then close.
/// </summary>
internal sealed class TransportHost : IAsyncDisposable
{
    public static readonly byte[] Amqp10 = "AMQP\x00\x01\x00\x00"u8.ToArray();
    public static readonly byte[] Amqp091 = "AMQP\x00\x00\x09\x01"u8.ToArray();
    public static readonly byte[] Auth = "AUTH\x00\x00\x00\x00"u8.ToArray();

    private readonly WebApplication _app;

    private TransportHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public ConnectionGate Gate => _app.Services.GetRequiredService<ConnectionGate>();

    public CountingObserver Observer => (CountingObserver)_app.Services.GetRequiredService<IConnectionGateObserver>();

    /// <param name="anyBytesOnly">Serve one protocol that takes any first bytes and answers <c>any</c> before reading.</param>
    public static async Task<TransportHost> StartAsync(Action<ConnectionGateOptions>? configure = null, bool with091 = true, bool anyBytesOnly = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IConnectionGateObserver, CountingObserver>();
        builder.Services.AddOmnibusTransport(configure);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseOmnibusTransport("test", (endpoint, _) =>
        {
            if (anyBytesOnly)
            {
                endpoint.Add(ProtocolRoute.ForAnyBytes("any", async c => await c.Transport.Output.WriteAsync("any"u8.ToArray())));
                return;
            }
            endpoint.Add(ProtocolRoute.ForHeaders("amqp-1.0", c => AnswerAsync(c, "one"u8.ToArray(), false), Amqp10));
            if (with091)
            {
                endpoint.Add(ProtocolRoute.ForHeaders("amqp-0-9-1", c => AnswerAsync(c, "091"u8.ToArray(), false), Amqp091));
            }
            endpoint.Add(ProtocolRoute.ForHeaders("auth", c => AnswerAsync(c, "ok"u8.ToArray(), true), Auth));
            endpoint.RefuseOthersWith(RefuseAsync);
        })));
        WebApplication app = builder.Build();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TransportHost(app, new Uri(address).Port);
    }

    /// <summary>Reads the header the detection left in the pipe, answers, and serves until the peer closes.</summary>
    private static async Task AnswerAsync(ConnectionContext connection, byte[] answer, bool authenticate)
    {
        System.IO.Pipelines.ReadResult header = await connection.Transport.Input.ReadAtLeastAsync(8);
        connection.Transport.Input.AdvanceTo(header.Buffer.GetPosition(8));
        if (authenticate)
        {
            connection.Authentication().MarkAuthenticated();
        }
        await connection.Transport.Output.WriteAsync(answer);
        while (true)
        {
            System.IO.Pipelines.ReadResult r = await connection.Transport.Input.ReadAsync();
            connection.Transport.Input.AdvanceTo(r.Buffer.End);
            if (r.IsCompleted || r.IsCanceled)
            {
                return;
            }
        }
    }

    private static async Task RefuseAsync(ConnectionContext connection)
    {
        await connection.Transport.Output.WriteAsync(Amqp10);
        await connection.Transport.Output.CompleteAsync();
    }

    /// <summary>A connected socket, optionally from another loopback source address.</summary>
    public async Task<Socket> ConnectAsync(IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return socket;
    }

    /// <summary>Waits until the gate counts <paramref name="open"/> connections (accepts are asynchronous).</summary>
    public async Task WaitForOpenAsync(int open)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Gate.OpenConnections != open)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the gate counts {Gate.OpenConnections} open connections, not {open}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class CountingObserver : IConnectionGateObserver
    {
        private readonly Dictionary<ConnectionRefusal, int> _counts = [];

        public void Refused(string endpoint, ConnectionRefusal reason)
        {
            lock (_counts)
            {
                _counts[reason] = _counts.GetValueOrDefault(reason) + 1;
            }
        }

        public int Count(ConnectionRefusal reason)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(reason);
            }
        }
    }
}

/// <summary>Socket helpers: everything the server sends until it closes.</summary>
internal static class SocketReads
{
    /// <summary>Every byte until the server closes (a reset counts as closed); throws if it stays open past <paramref name="timeout"/>.</summary>
    public static async Task<byte[]> ReadToEndAsync(this Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var all = new MemoryStream();
        byte[] chunk = new byte[256];
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(chunk, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return all.ToArray();
                }
                all.Write(chunk, 0, n);
            }
        }
        catch (SocketException)
        {
            return all.ToArray();
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server did not close the connection.");
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes.</summary>
    public static async Task<byte[]> ReadExactlyAsync(this Socket socket, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
            Assert.True(n > 0, "the server closed the connection");
            read += n;
        }
        return buffer;
    }

    /// <summary>True when the socket stays open (nothing arrives, no close) for <paramref name="wait"/>.</summary>
    public static async Task<bool> StaysOpenAsync(this Socket socket, TimeSpan wait)
    {
        try
        {
            await socket.ReadToEndAsync(wait);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }
}
