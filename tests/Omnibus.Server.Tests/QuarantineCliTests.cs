using System.Text;
using System.Text.Json;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Server.Cli;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

/// <summary>An operator lists what is quarantined and recovers it through the CLI and the JSON API, without a restart.</summary>
public sealed class QuarantineCliTests : IAsyncLifetime
{
    private const int Count = 200;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "omnibus-server-quarantine", Guid.NewGuid().ToString("N"));
    private OmnibusServer? _server;
    private int _httpPort;

    private OmnibusServer Server => _server!;

    public async Task InitializeAsync()
    {
        using (Broker broker = Broker.Open(new BrokerOptions { DataDirectory = _data, SegmentSize = 64 * 1024 }))
        {
            broker.CreateQueue(new QueueDescription { Name = "orders" });
            broker.CreateQueue(new QueueDescription { Name = "healthy" });
            for (int i = 0; i < Count; i++)
            {
                await broker.SendAsync("orders", [new BrokerMessage { Body = Encoding.UTF8.GetBytes($"m{i}-" + new string('x', 1000)) }]);
            }
        }
        string log = Directory.GetDirectories(Path.Combine(_data, "queues")).Single(d => Path.GetFileName(d).StartsWith("orders", StringComparison.Ordinal));
        string first = Directory.GetFiles(Path.Combine(log, "log", "p0"), "*.seg").Order(StringComparer.Ordinal).First();
        File.Delete(Path.ChangeExtension(first, ".idx"));
        using (var f = new FileStream(first, FileMode.Open))
        {
            f.Position = f.Length / 2;
            int b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0xFF));
        }
        _httpPort = TestServer.FreePort();
        _server = OmnibusServer.Create(
        [
            $"--Omnibus:Storage:DataDirectory={_data}",
            $"--Omnibus:Http:Port={_httpPort}", "--Omnibus:Http:Host=127.0.0.1",
            $"--Omnibus:Amqp:Port={TestServer.FreePort()}", "--Omnibus:Amqp:Host=127.0.0.1",
            "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false",
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
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await OmnibusCli.RunAsync([.. args, "--server", $"http://127.0.0.1:{_httpPort}/"], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_quarantined_queue_is_listed_and_recovered_through_the_cli_and_then_serves_without_a_restart()
    {
        using var http = new HttpClient();
        Assert.StartsWith("Degraded: Quarantined (damaged data, refusing traffic): queue orders:", await http.GetStringAsync(new Uri($"http://127.0.0.1:{_httpPort}/health/ready")), StringComparison.Ordinal);
        Assert.Contains("omnibus_entities_quarantined 1", await http.GetStringAsync(new Uri($"http://127.0.0.1:{_httpPort}/metrics")), StringComparison.Ordinal);
        (int listed, string queues, _) = await RunAsync("queue", "list"); // the other queues are still listed with their counts
        Assert.Equal(0, listed);
        Assert.Contains("healthy", queues, StringComparison.Ordinal);
        (int code, string output, _) = await RunAsync("quarantine", "list");
        Assert.Equal(0, code);
        Assert.Contains("orders", output, StringComparison.Ordinal);
        Assert.Contains("damaged record", output, StringComparison.Ordinal);

        (code, output, string error) = await RunAsync("quarantine", "recover", "orders");

        Assert.True(code == 0, error);
        Assert.Contains("queue orders: opened and serving", output, StringComparison.Ordinal);
        Assert.Contains("1 records lost", output, StringComparison.Ordinal);
        Assert.Empty(Server.Broker.Quarantined);
        IReadOnlyList<BrokerMessage> got = await Server.Broker.GetReceivable("orders").ReceiveAsync(1000, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete);
        Assert.Equal(Count - 1, got.Count);
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri($"http://127.0.0.1:{_httpPort}/health/ready")));
        Assert.Contains("omnibus_entities_quarantined 0", await http.GetStringAsync(new Uri($"http://127.0.0.1:{_httpPort}/metrics")), StringComparison.Ordinal);
        (_, output, _) = await RunAsync("quarantine", "list");
        Assert.Contains("Nothing is quarantined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_api_refuses_an_unknown_mode_and_a_name_that_is_not_quarantined()
    {
        (int code, _, string error) = await RunAsync("quarantine", "recover", "healthy");
        Assert.Equal(ExitCodes.CommandFailed, code);
        Assert.Contains("No quarantined queue, topic or stream is named 'healthy'", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("quarantine", "recover", "orders", "--mode", "guess");
        Assert.NotEqual(0, code);

        (code, string output, _) = await RunAsync("quarantine", "list", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement entity = Assert.Single(doc.RootElement.GetProperty("entities").EnumerateArray());
        Assert.Equal(("queue", "orders"), (entity.GetProperty("kind").GetString(), entity.GetProperty("name").GetString()));
        Assert.Equal(MessagingErrorCode.EntityDisabled, Assert.Throws<MessagingException>(() => Server.Broker.GetReceivable("orders")).Code);
    }
}
