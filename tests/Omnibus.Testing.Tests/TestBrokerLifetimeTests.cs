using Omnibus.Core.Entities;

namespace Omnibus.Testing.Tests;

public sealed class TestBrokerLifetimeTests
{
    [Fact]
    public async Task Dispose_removes_the_temporary_data_directory()
    {
        OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        broker.Broker.CreateQueue(new QueueDescription { Name = "q" });
        string directory = broker.DataDirectory;
        Assert.True(Directory.Exists(directory));

        await broker.DisposeAsync();

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task A_kept_data_directory_stays_after_dispose()
    {
        OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => o.KeepDataDirectory = true);
        string directory = broker.DataDirectory;

        await broker.DisposeAsync();

        Assert.True(Directory.Exists(directory));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_given_data_directory_is_used_and_never_deleted()
    {
        string directory = Path.Combine(Path.GetTempPath(), "omnibus-testing-given-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => o.DataDirectory = directory))
            {
                broker.Broker.CreateQueue(new QueueDescription { Name = "q" });
            }
            Assert.True(Directory.Exists(directory));
            await using OmnibusTestBroker again = await OmnibusTestBroker.StartAsync(o => o.DataDirectory = directory);
            Assert.Single(again.Broker.ListQueues());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_connection_strings_name_only_protocols_the_broker_serves()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();

        Assert.Equal([OmnibusProtocols.Kafka, OmnibusProtocols.RabbitMq, OmnibusProtocols.ServiceBus, OmnibusProtocols.Sqs], broker.ConnectionStrings.Keys.Order());
        Assert.Equal($"Endpoint=sb://127.0.0.1:{broker.AmqpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;", broker.ConnectionStrings[OmnibusProtocols.ServiceBus]);
        Assert.Equal($"amqp://guest:guest@127.0.0.1:{broker.AmqpPort}/", broker.ConnectionStrings[OmnibusProtocols.RabbitMq]);
    }

    [Fact]
    public async Task The_admin_endpoint_answers_the_health_check()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        using var http = new HttpClient();

        using HttpResponseMessage response = await http.GetAsync(new Uri(broker.AdminEndpoint, "health/ready"));

        Assert.True(response.IsSuccessStatusCode);
    }
}
