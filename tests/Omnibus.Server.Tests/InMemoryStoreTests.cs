using Azure.Messaging.ServiceBus;
using Omnibus.Core.Entities;
using Omnibus.Server.Hosting;

namespace Omnibus.Server.Tests;

public sealed class InMemoryStoreTests
{
    [Fact]
    public async Task A_server_with_the_memory_store_serves_the_sdk_and_writes_nothing_under_its_data_directory()
    {
        string data = Path.Combine(Path.GetTempPath(), "omnibus-server-tests", Guid.NewGuid().ToString("N"));
        int amqp = TestServer.FreePort();
        OmnibusServer server = OmnibusServer.Create(
        [
            $"--Omnibus:Storage:DataDirectory={data}",
            "--Omnibus:Storage:Store=memory",
            $"--Omnibus:Http:Port={TestServer.FreePort()}",
            "--Omnibus:Http:Host=127.0.0.1",
            $"--Omnibus:Amqp:Port={amqp}", "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false",
            "--Omnibus:Amqp:Host=127.0.0.1",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await server.StartAsync();
        try
        {
            server.Broker.CreateQueue(new QueueDescription { Name = "orders" });
            await using var client = new ServiceBusClient($"Endpoint=sb://localhost:{amqp};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;");
            await using ServiceBusSender sender = client.CreateSender("orders");
            await sender.SendMessageAsync(new ServiceBusMessage("kept in memory"));
            await using ServiceBusReceiver receiver = client.CreateReceiver("orders");
            ServiceBusReceivedMessage? m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("kept in memory", m?.Body.ToString());
            await receiver.CompleteMessageAsync(m);
            Assert.False(Directory.Exists(data), "the memory store created the data directory");
        }
        finally
        {
            await server.StopAsync();
        }
    }
}
