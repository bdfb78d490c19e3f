using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Core.Entities;

namespace Omnibus.Testing.Tests;

public sealed class TestBrokerMessagingTests
{
    private static ServiceBusClient Client(OmnibusTestBroker broker) => new(broker.ServiceBusConnectionString, new ServiceBusClientOptions
    {
        RetryOptions = new ServiceBusRetryOptions { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(100), TryTimeout = TimeSpan.FromSeconds(20) },
    });

    private static async Task SendAsync(OmnibusTestBroker broker, string queue, params string[] bodies)
    {
        await using ServiceBusClient client = Client(broker);
        await using ServiceBusSender sender = client.CreateSender(queue);
        foreach (string body in bodies)
        {
            await sender.SendMessageAsync(new ServiceBusMessage(body));
        }
    }

    private static async Task<List<string>> ReceiveAsync(OmnibusTestBroker broker, string queue, int count)
    {
        await using ServiceBusClient client = Client(broker);
        await using ServiceBusReceiver receiver = client.CreateReceiver(queue);
        var bodies = new List<string>();
        while (bodies.Count < count)
        {
            ServiceBusReceivedMessage? m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(m);
            await receiver.CompleteMessageAsync(m);
            bodies.Add(m.Body.ToString());
        }
        return bodies;
    }

    [Fact]
    public async Task A_message_sent_with_the_service_bus_sdk_is_received_with_it()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        broker.Broker.CreateQueue(new QueueDescription { Name = "orders" });

        await SendAsync(broker, "orders", "order-1");

        Assert.Equal(["order-1"], await ReceiveAsync(broker, "orders", 1));
    }

    [Fact]
    public async Task A_restart_on_the_same_data_directory_keeps_the_messages_and_the_connection_string()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        broker.Broker.CreateQueue(new QueueDescription { Name = "kept" });
        string before = broker.ServiceBusConnectionString;
        await SendAsync(broker, "kept", "a", "b");

        await broker.RestartAsync();

        Assert.Equal(before, broker.ServiceBusConnectionString);
        Assert.Equal(["a", "b"], await ReceiveAsync(broker, "kept", 2));
    }

    [Fact]
    public async Task An_in_memory_broker_serves_the_sdk_keeps_messages_across_a_restart_and_writes_nothing_to_disk()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o => o.InMemory = true);
        broker.Broker.CreateQueue(new QueueDescription { Name = "orders" });
        await SendAsync(broker, "orders", "a", "b", "c");
        Assert.Equal(["a"], await ReceiveAsync(broker, "orders", 1));

        await broker.RestartAsync();

        Assert.Equal(["b", "c"], await ReceiveAsync(broker, "orders", 2));
        Assert.False(Directory.Exists(broker.DataDirectory), "the in-memory broker created its data directory");
    }

    [Fact]
    public async Task Two_brokers_run_side_by_side_on_different_free_ports_and_share_nothing()
    {
        Task<OmnibusTestBroker> startFirst = OmnibusTestBroker.StartAsync();
        Task<OmnibusTestBroker> startSecond = OmnibusTestBroker.StartAsync();
        await using OmnibusTestBroker first = await startFirst;
        await using OmnibusTestBroker second = await startSecond;
        Assert.NotEqual(first.AmqpPort, second.AmqpPort);
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        first.Broker.CreateQueue(new QueueDescription { Name = "q" });
        second.Broker.CreateQueue(new QueueDescription { Name = "q" });

        await Task.WhenAll(SendAsync(first, "q", "to-first"), SendAsync(second, "q", "to-second"));

        Assert.Equal(["to-first"], await ReceiveAsync(first, "q", 1));
        Assert.Equal(["to-second"], await ReceiveAsync(second, "q", 1));
    }

    [Fact]
    public async Task The_administration_client_creates_a_queue_the_messaging_client_then_uses()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        var admin = new ServiceBusAdministrationClient(broker.ServiceBusAdministrationConnectionString);

        await admin.CreateQueueAsync("created-over-http");
        await SendAsync(broker, "created-over-http", "hello");

        Assert.Equal(["hello"], await ReceiveAsync(broker, "created-over-http", 1));
    }
}
