using System.Net;
using System.Net.Sockets;
using Omnibus.Core.Engine;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

/// <summary>An in-process Omnibus on free ports over a temporary data directory.</summary>
public sealed class TestServer : IAsyncLifetime
{
    private OmnibusServer? _server;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "omnibus-server-tests", Guid.NewGuid().ToString("N"));

    public int HttpPort { get; private set; }

    public int AmqpPort { get; private set; }

    internal OmnibusServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public Broker Broker => Server.Broker;

    public Uri HttpBase => new($"http://localhost:{HttpPort}/");

    /// <summary>The emulator connection string pointed at the HTTP port (administration client).</summary>
    public string AdminConnectionString =>
        $"Endpoint=sb://localhost:{HttpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    /// <summary>The emulator connection string pointed at the AMQP port (messaging client).</summary>
    public string AmqpConnectionString =>
        $"Endpoint=sb://localhost:{AmqpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    public async Task InitializeAsync()
    {
        (HttpPort, AmqpPort) = (FreePort(), FreePort());
        _server = OmnibusServer.Create(
        [
            $"--Omnibus:Storage:DataDirectory={DataDirectory}",
            $"--Omnibus:Http:Port={HttpPort}",
            $"--Omnibus:Http:Host=127.0.0.1",
            $"--Omnibus:Amqp:Port={AmqpPort}", "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false",
            $"--Omnibus:Amqp:Host=127.0.0.1",
            "--Omnibus:Storage:Durability=none",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A port nobody listens on now (the OS picks it; released before use).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
