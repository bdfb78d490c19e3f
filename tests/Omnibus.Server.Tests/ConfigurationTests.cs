using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Omnibus.Server.Cli;
using Omnibus.Server.Configuration;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "omnibus-config-tests", Guid.NewGuid().ToString("N"));

    public ConfigurationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // Generic keys first: a later --Omnibus:... argument overrides an earlier one, as .NET command-line configuration does.
        string[] all = [$"--data={Path.Combine(_dir, "data")}", $"--Omnibus:Http:Port={TestServer.FreePort()}", $"--Omnibus:Amqp:Port={TestServer.FreePort()}", "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false", "--Logging:LogLevel:Default=Warning", .. args];
        // A wrongly accepted configuration would start a server that never returns: fail instead of hanging.
        int code = await OmnibusCli.RunAsync(all, output, error).WaitAsync(TimeSpan.FromSeconds(60));
        return (code, error.ToString());
    }

    [Theory]
    [InlineData("--Omnibus:Http:Port=70000", "Omnibus:Http:Port", "from 1 to 65535")]
    [InlineData("--Omnibus:Amqp:Port=abc", "Omnibus:Amqp:Port", "from 1 to 65535")]
    [InlineData("--Omnibus:Storage:Durability=sometimes", "Omnibus:Storage:Durability", "interval:<ms> with ms from 1 to 60000")]
    [InlineData("--Omnibus:Storage:SegmentSizeMiB=0", "Omnibus:Storage:SegmentSizeMiB", "from 1 to 4096")]
    [InlineData("--Omnibus:Storage:MaxOpenSegmentFiles=8", "Omnibus:Storage:MaxOpenSegmentFiles", "from 16 to 1000000")]
    [InlineData("--Omnibus:Storage:Store=disk", "Omnibus:Storage:Store", "use file (durable, under DataDirectory) or memory")]
    [InlineData("--Omnibus:Storage:MinFreeSpaceMiB=-1", "Omnibus:Storage:MinFreeSpaceMiB", "from 0 to 1048576")]
    [InlineData("--Omnibus:Storage:MinFreeSpaceMiB=1048577", "Omnibus:Storage:MinFreeSpaceMiB", "from 0 to 1048576")]
    [InlineData("--Omnibus:Amqp:IdleTimeout=00:00:01", "Omnibus:Amqp:IdleTimeout", "from 00:00:05 to 01:00:00")]
    [InlineData("--Omnibus:Http:RequireAuthorization=maybe", "Omnibus:Http:RequireAuthorization", "true or false")]
    [InlineData("--Omnibus:Storage:SharedFlush=sometimes", "Omnibus:Storage:SharedFlush", "true or false")]
    [InlineData("--Omnibus:Http:Host=not-an-address", "Omnibus:Http:Host", "not an IP address")]
    [InlineData("--Omnibus:Kafka:Sasl:Mechanisms=PLAIN,GSSAPI", "Omnibus:Kafka:Sasl:Mechanisms", "'GSSAPI' is not served")]
    [InlineData("--Omnibus:Kafka:Sasl:Mechanisms=PLAIN", "Omnibus:Kafka:Sasl:Users", "name at least one user")]
    public async Task A_bad_setting_stops_the_server_naming_the_setting_and_its_range(string arg, string setting, string range)
    {
        (int code, string error) = await RunAsync(arg);
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains(setting, error, StringComparison.Ordinal);
        Assert.Contains(range, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kafka_sasl_mechanisms_and_users_reach_the_kafka_listener()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Omnibus:Kafka:Sasl:Mechanisms"] = "PLAIN, SCRAM-SHA-512",
            ["Omnibus:Kafka:Sasl:Users:alice"] = "secret",
        }).Build();
        OmnibusSettings settings = OmnibusSettings.Load(configuration, out IReadOnlyList<string> errors);
        Assert.Empty(errors);
        var options = new Omnibus.Hosting.OmnibusHostOptions();
        settings.ApplyTo(options);
        Assert.Equal(["PLAIN", "SCRAM-SHA-512"], options.Kafka.SaslMechanisms);
        Assert.Equal("secret", options.Kafka.SaslUsers["alice"]);
    }

    [Theory]
    [InlineData(null, 64L * 1024 * 1024)]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1024L * 1024 * 1024 * 1024)]
    public void The_free_space_floor_is_read_in_MiB_and_reaches_the_host(string? setting, long expectedBytes)
    {
        var values = new Dictionary<string, string?>();
        if (setting is not null)
        {
            values["Omnibus:Storage:MinFreeSpaceMiB"] = setting;
        }
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        OmnibusSettings settings = OmnibusSettings.Load(configuration, out IReadOnlyList<string> errors);
        Assert.Empty(errors);
        var options = new Omnibus.Hosting.OmnibusHostOptions();
        settings.ApplyTo(options);
        Assert.Equal(expectedBytes, options.MinFreeSpaceBytes);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void The_shared_flush_is_on_by_default_and_its_setting_reaches_the_host(string? setting, bool expected)
    {
        var values = new Dictionary<string, string?>();
        if (setting is not null)
        {
            values["Omnibus:Storage:SharedFlush"] = setting;
        }
        OmnibusSettings settings = OmnibusSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out IReadOnlyList<string> errors);
        Assert.Empty(errors);
        var options = new Omnibus.Hosting.OmnibusHostOptions();
        settings.ApplyTo(options);
        Assert.Equal(expected, options.SharedFlush);
    }

    [Fact]
    public void The_rabbitmq_management_api_listens_on_15672_by_default_and_reaches_the_host()
    {
        OmnibusSettings settings = OmnibusSettings.Load(new ConfigurationBuilder().Build(), out IReadOnlyList<string> errors);
        Assert.Empty(errors);
        var options = new Omnibus.Hosting.OmnibusHostOptions();
        Assert.False(options.RabbitMqManagement.Enabled);
        settings.ApplyTo(options);
        Assert.True(options.RabbitMqManagement.Enabled);
        Assert.Equal(15672, options.RabbitMqManagement.Port);
        Assert.Equal(IPAddress.Any, options.RabbitMqManagement.Host);
    }

    [Fact]
    public void A_rabbitmq_management_port_taken_by_another_listener_is_reported()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Omnibus:RabbitMqManagement:Port"] = "5672" }).Build();
        OmnibusSettings.Load(configuration, out IReadOnlyList<string> errors);
        Assert.Contains(errors, e => e.Contains("Omnibus:RabbitMqManagement:Port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_bad_setting_is_reported_at_once()
    {
        (int code, string error) = await RunAsync("--Omnibus:Http:Port=0", "--Omnibus:Storage:SweepIntervalMs=-5");
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("Omnibus:Http:Port", error, StringComparison.Ordinal);
        Assert.Contains("Omnibus:Storage:SweepIntervalMs", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_entities_file_stops_the_server_naming_the_file()
    {
        string missing = Path.Combine(_dir, "nope", "Config.json");
        (int code, string error) = await RunAsync($"--entities={missing}");
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("Omnibus:Entities:ConfigFile", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_entities_file_stops_the_server_naming_the_entity_and_property()
    {
        string file = Path.Combine(_dir, "Config.json");
        await File.WriteAllTextAsync(file, """{"UserConfig":{"Namespaces":[{"Name":"sbemulatorns","Queues":[{"Name":"q","Properties":{"LockDuration":"soon"}}]}]}}""");
        (int code, string error) = await RunAsync($"--entities={file}");
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("queue 'q': LockDuration must be an ISO 8601 duration", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entity_the_broker_refuses_stops_the_server_with_its_reason()
    {
        string file = Path.Combine(_dir, "Config.json");
        await File.WriteAllTextAsync(file, """{"UserConfig":{"Namespaces":[{"Name":"ns","Queues":[{"Name":"q","Properties":{"LockDuration":"PT1H"}}]}]}}""");
        (int code, string error) = await RunAsync($"--entities={file}");
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("LockDuration", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_stops_the_server_naming_the_port_setting()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        (int code, string error) = await RunAsync($"--Omnibus:Http:Port={port}");
        Assert.Equal(ExitCodes.CannotListen, code);
        Assert.Contains($"Omnibus:Http:Port {port}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_verb_is_refused_instead_of_starting_a_server()
    {
        (int code, string error) = await RunAsync("quue", "list");
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("unknown command or argument 'quue'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_port_for_http_and_amqp_is_refused()
    {
        int port = TestServer.FreePort();
        (int code, string error) = await RunAsync($"--Omnibus:Http:Port={port}", $"--Omnibus:Amqp:Port={port}");
        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("must differ", error, StringComparison.Ordinal);
    }
}
