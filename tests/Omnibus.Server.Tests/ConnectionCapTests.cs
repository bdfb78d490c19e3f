using System.Net;
using System.Net.Sockets;
using Azure.Messaging.ServiceBus;
using Omnibus.Server.Cli;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

/// <summary>The server's connection caps (Omnibus:Connections) against raw sockets and the SDK.</summary>
public sealed class ConnectionCapTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    private sealed class CappedServer : IAsyncDisposable
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "omnibus-server-tests", Guid.NewGuid().ToString("N"));
        private OmnibusServer _server = null!;

        public int HttpPort { get; } = TestServer.FreePort();

        public int AmqpPort { get; } = TestServer.FreePort();

        public OmnibusServer Server => _server;

        public static async Task<CappedServer> StartAsync(params string[] settings)
        {
            var capped = new CappedServer();
            capped._server = OmnibusServer.Create(
            [
                $"--Omnibus:Storage:DataDirectory={capped._dataDirectory}",
                $"--Omnibus:Http:Port={capped.HttpPort}",
                "--Omnibus:Http:Host=127.0.0.1",
                $"--Omnibus:Amqp:Port={capped.AmqpPort}", "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false",
                "--Omnibus:Amqp:Host=127.0.0.1",
                "--Omnibus:Storage:Durability=none",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ]);
            await capped._server.StartAsync();
            return capped;
        }

        public string ConnectionString =>
            $"Endpoint=sb://127.0.0.1:{AmqpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

        public async Task<Socket> ConnectAsync()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, AmqpPort);
            return socket;
        }

        public async Task<string> MetricsAsync()
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/") };
            return await http.GetStringAsync("metrics");
        }

        public async ValueTask DisposeAsync()
        {
            await _server.StopAsync();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        byte[] chunk = new byte[64];
        try
        {
            while (await socket.ReceiveAsync(chunk, SocketFlags.None, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task WaitForMetricAsync(CappedServer server, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string text;
        while (!(text = await server.MetricsAsync()).Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"/metrics never showed '{line}':\n{text}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_flood_of_idle_sockets_beyond_the_cap_is_refused_cleanly_and_the_sdk_works_once_they_go()
    {
        await using CappedServer server = await CappedServer.StartAsync("--Omnibus:Connections:MaxConnections=30");
        var idle = new List<Socket>();
        for (int i = 0; i < 30; i++)
        {
            idle.Add(await server.ConnectAsync());
        }
        await WaitForMetricAsync(server, "omnibus_connections{listener=\"amqp\"} 30");

        for (int i = 0; i < 10; i++)
        {
            using Socket refused = await server.ConnectAsync();
            Assert.True(await ClosedByServerAsync(refused, Quick), "a socket beyond the cap stayed open");
        }
        await WaitForMetricAsync(server, "omnibus_connections_refused_total{listener=\"amqp\",reason=\"TotalCap\"} 10");

        idle.ForEach(s => s.Dispose());
        server.Server.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = "after-flood" });
        await using var client = new ServiceBusClient(server.ConnectionString);
        await client.CreateSender("after-flood").SendMessageAsync(new ServiceBusMessage("through"));
        ServiceBusReceivedMessage? got = await client.CreateReceiver("after-flood").ReceiveMessageAsync(Quick);
        Assert.Equal("through", got?.Body.ToString());
    }

    [Fact]
    public async Task A_silent_socket_is_closed_after_the_authentication_time_out_while_an_authenticated_client_keeps_its_connection()
    {
        await using CappedServer server = await CappedServer.StartAsync("--Omnibus:Connections:AuthenticationTimeout=00:00:01");
        server.Server.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = "auth-timeout" });
        await using var client = new ServiceBusClient(server.ConnectionString);
        ServiceBusSender sender = client.CreateSender("auth-timeout");
        await sender.SendMessageAsync(new ServiceBusMessage("first"));

        using Socket silent = await server.ConnectAsync();
        Assert.True(await ClosedByServerAsync(silent, Quick), "the silent socket was not closed");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await sender.SendMessageAsync(new ServiceBusMessage("second"));

        // Only the silent socket was timed out; the SDK's connection authenticated and stayed.
        await WaitForMetricAsync(server, "omnibus_connections_refused_total{listener=\"amqp\",reason=\"AuthenticationTimeout\"} 1");
        Assert.Contains("omnibus_connections_total{listener=\"amqp\"} 2", await server.MetricsAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Omnibus:Connections:MaxConnections=0", "Omnibus:Connections:MaxConnections")]
    [InlineData("--Omnibus:Connections:AuthenticationTimeout=00:00:00", "Omnibus:Connections:AuthenticationTimeout")]
    [InlineData("--Omnibus:Connections:Sessions=2", "Omnibus:Connections:Sessions")]
    public async Task A_bad_connection_setting_stops_the_server_naming_it(string arg, string setting)
    {
        string dir = Path.Combine(Path.GetTempPath(), "omnibus-config-tests", Guid.NewGuid().ToString("N"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await OmnibusCli.RunAsync([$"--data={dir}", $"--Omnibus:Http:Port={TestServer.FreePort()}", $"--Omnibus:Amqp:Port={TestServer.FreePort()}", "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false", "--Logging:LogLevel:Default=Warning", arg], output, error)
            .WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains(setting, error.ToString(), StringComparison.Ordinal);
    }
}
