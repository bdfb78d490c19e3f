using System.Text;
using System.Threading.Channels;
using Azure.Messaging.ServiceBus;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>The official RabbitMQ.Client against Omnibus on the AMQP port it shares with AMQP 1.0.</summary>
public sealed class RabbitClientTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<IConnection> ConnectAsync(string user = "guest", string password = "guest") =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = _broker.AmqpPort, UserName = user, Password = password }.CreateConnectionAsync();

    private static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    [Fact]
    public async Task A_message_published_to_a_declared_queue_is_got_with_its_properties_and_acknowledged()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        QueueDeclareOk declared = await channel.QueueDeclareAsync("orders", durable: true, exclusive: false, autoDelete: false);
        Assert.Equal("orders", declared.QueueName);

        var props = new BasicProperties { ContentType = "application/json", MessageId = "m-1", CorrelationId = "c-1", Persistent = true, Headers = new Dictionary<string, object?> { ["tenant"] = "acme", ["attempt"] = 3 } };
        await channel.BasicPublishAsync("", "orders", mandatory: false, props, Encoding.UTF8.GetBytes("{\"id\":1}"));

        BasicGetResult? got = await GetAsync(channel, "orders");
        Assert.NotNull(got);
        Assert.Equal("{\"id\":1}", Text(got.Body));
        Assert.Equal("application/json", got.BasicProperties.ContentType);
        Assert.Equal("m-1", got.BasicProperties.MessageId);
        Assert.Equal("c-1", got.BasicProperties.CorrelationId);
        Assert.Equal(DeliveryModes.Persistent, got.BasicProperties.DeliveryMode);
        Assert.Equal("acme", Encoding.UTF8.GetString((byte[])got.BasicProperties.Headers!["tenant"]!));
        Assert.Equal(3, got.BasicProperties.Headers["attempt"]);
        Assert.Equal("orders", got.RoutingKey);
        Assert.False(got.Redelivered);
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);
        Assert.Null(await channel.BasicGetAsync("orders", autoAck: false));
    }

    private static async Task<BasicGetResult?> GetAsync(IChannel channel, string queue)
    {
        for (int i = 0; i < 50; i++)
        {
            if (await channel.BasicGetAsync(queue, autoAck: false) is { } got)
            {
                return got;
            }
            await Task.Delay(20);
        }
        return null;
    }

    [Fact]
    public async Task A_consumer_receives_through_a_topic_exchange_and_an_unacknowledged_delivery_comes_back_redelivered_when_its_channel_closes()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel first = await connection.CreateChannelAsync();
        await first.ExchangeDeclareAsync("shop", ExchangeType.Topic, durable: true);
        await first.QueueDeclareAsync("eu-orders", durable: true, exclusive: false, autoDelete: false);
        await first.QueueBindAsync("eu-orders", "shop", "order.eu.*");
        await first.BasicQosAsync(0, 1, false);
        var received = Channel.CreateUnbounded<BasicDeliverEventArgs>();
        var consumer = new AsyncEventingBasicConsumer(first);
        consumer.ReceivedAsync += (_, e) => received.Writer.WriteAsync(e).AsTask();
        await first.BasicConsumeAsync("eu-orders", autoAck: false, consumer);

        await first.BasicPublishAsync("shop", "order.eu.created", Encoding.UTF8.GetBytes("eu-1"));
        await first.BasicPublishAsync("shop", "order.us.created", Encoding.UTF8.GetBytes("us-1"));

        BasicDeliverEventArgs delivery = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("eu-1", Text(delivery.Body));
        Assert.Equal("shop", delivery.Exchange);
        Assert.Equal("order.eu.created", delivery.RoutingKey);
        Assert.False(delivery.Redelivered);
        await first.CloseAsync();
        await first.DisposeAsync();

        await using IChannel second = await connection.CreateChannelAsync();
        BasicGetResult? again = await GetAsync(second, "eu-orders");
        Assert.NotNull(again);
        Assert.Equal("eu-1", Text(again.Body));
        Assert.True(again.Redelivered);
        await second.BasicAckAsync(again.DeliveryTag, false);
        Assert.Equal(0u, (await second.QueueDeclarePassiveAsync("eu-orders")).MessageCount);
    }

    [Fact]
    public async Task Publisher_confirms_arrive_for_every_message_and_all_are_consumed_in_order()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("confirmed", durable: true, exclusive: false, autoDelete: false);
        for (int i = 0; i < 200; i++)
        {
            await channel.BasicPublishAsync("", "confirmed", Encoding.UTF8.GetBytes($"m{i}"));
        }
        Assert.Equal(200u, (await channel.QueueDeclarePassiveAsync("confirmed")).MessageCount);

        var bodies = new List<string>();
        var done = new TaskCompletionSource();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, e) =>
        {
            bodies.Add(Text(e.Body));
            await channel.BasicAckAsync(e.DeliveryTag, false);
            if (bodies.Count == 200)
            {
                done.TrySetResult();
            }
        };
        await channel.BasicQosAsync(0, 50, false);
        await channel.BasicConsumeAsync("confirmed", autoAck: false, consumer);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), bodies);
    }

    [Fact]
    public async Task A_rejected_message_goes_to_the_queues_dead_letter_exchange()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("dlx", ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync("dead", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("dead", "dlx", "");
        await channel.QueueDeclareAsync("work", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "dlx" });
        await channel.BasicPublishAsync("", "work", Encoding.UTF8.GetBytes("poison"));

        BasicGetResult? got = await GetAsync(channel, "work");
        await channel.BasicRejectAsync(got!.DeliveryTag, requeue: false);

        BasicGetResult? dead = await GetAsync(channel, "dead");
        Assert.NotNull(dead);
        Assert.Equal("poison", Text(dead.Body));
        var death = (Dictionary<string, object?>)Assert.Single((List<object>)dead.BasicProperties.Headers!["x-death"]!)!;
        Assert.Equal(1L, death["count"]);
        Assert.Equal("rejected", Encoding.UTF8.GetString((byte[])death["reason"]!));
        Assert.Equal("work", Encoding.UTF8.GetString((byte[])death["queue"]!));
        Assert.Equal("rejected", Encoding.UTF8.GetString((byte[])dead.BasicProperties.Headers["x-first-death-reason"]!));
        Assert.Null(await channel.BasicGetAsync("work", autoAck: false));
    }

    [Fact]
    public async Task A_retry_loop_through_a_waiting_queue_gives_x_death_one_entry_per_queue_and_reason_with_its_count()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("retry", ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync("looping", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "retry" });
        await channel.QueueDeclareAsync("waiting", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-message-ttl"] = 50,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = "looping",
        });
        await channel.QueueBindAsync("waiting", "retry", "");
        await channel.BasicPublishAsync("", "looping", Encoding.UTF8.GetBytes("flaky"));

        BasicGetResult? got = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            got = await GetAsync(channel, "looping");
            Assert.NotNull(got);
            if (attempt < 2)
            {
                await channel.BasicRejectAsync(got.DeliveryTag, requeue: false);
            }
        }

        var deaths = ((List<object>)got!.BasicProperties.Headers!["x-death"]!).Cast<Dictionary<string, object?>>().ToList();
        Assert.Equal(2, deaths.Count);
        Assert.Equal(("waiting", "expired", 2L), (Encoding.UTF8.GetString((byte[])deaths[0]["queue"]!), Encoding.UTF8.GetString((byte[])deaths[0]["reason"]!), deaths[0]["count"]));
        Assert.Equal(("looping", "rejected", 2L), (Encoding.UTF8.GetString((byte[])deaths[1]["queue"]!), Encoding.UTF8.GetString((byte[])deaths[1]["reason"]!), deaths[1]["count"]));
        Assert.Equal("rejected", Encoding.UTF8.GetString((byte[])got.BasicProperties.Headers["x-first-death-reason"]!));
        Assert.Equal("expired", Encoding.UTF8.GetString((byte[])got.BasicProperties.Headers["x-last-death-reason"]!));
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);
    }

    [Fact]
    public async Task Unknown_exchanges_and_passive_declares_of_missing_queues_close_the_channel_with_not_found_and_the_connection_lives()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        var missing = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclarePassiveAsync("nowhere"));
        Assert.Equal(404, missing.ShutdownReason!.ReplyCode);

        await using IChannel next = await connection.CreateChannelAsync();
        var noExchange = await Assert.ThrowsAsync<OperationInterruptedException>(() => next.ExchangeDeclarePassiveAsync("no-such-exchange"));
        Assert.Equal(404, noExchange.ShutdownReason!.ReplyCode);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task A_redeclare_with_the_same_arguments_succeeds_and_with_different_ones_is_precondition_failed()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        var args = new Dictionary<string, object?> { ["x-max-priority"] = 5, ["x-message-ttl"] = 60000 };
        await channel.QueueDeclareAsync("prioritised", durable: true, exclusive: false, autoDelete: false, args);
        await channel.QueueDeclareAsync("prioritised", durable: true, exclusive: false, autoDelete: false, args);
        await channel.QueueDeclareAsync("prioritised", durable: true, exclusive: false, autoDelete: false);

        var e = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
            channel.QueueDeclareAsync("prioritised", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-priority"] = 9 }));
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.Contains("x-max-priority", e.ShutdownReason.ReplyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_with_a_higher_priority_are_delivered_first_on_a_queue_with_max_priority()
    {
        await using IConnection connection = await ConnectAsync();
        // Confirmed publishes: all three are stored before the first get.
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("urgent-first", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-priority"] = 10 });
        foreach ((string body, byte priority) in new[] { ("low", (byte)1), ("high", (byte)9), ("mid", (byte)5) })
        {
            await channel.BasicPublishAsync("", "urgent-first", mandatory: false, new BasicProperties { Priority = priority }, Encoding.UTF8.GetBytes(body));
        }
        var order = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            BasicGetResult? got = await GetAsync(channel, "urgent-first");
            order.Add(Text(got!.Body));
        }
        Assert.Equal(["high", "mid", "low"], order);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_access_refused()
    {
        var e = await Assert.ThrowsAsync<BrokerUnreachableException>(() => ConnectAsync("guest", "wrong"));
        // The client names a refused login (connection.close 403 after start-ok), not an unreachable broker.
        Assert.IsType<AuthenticationFailureException>(e.InnerException);
    }

    [Fact]
    public async Task A_message_published_with_rabbitmq_is_received_by_the_service_bus_sdk_from_the_same_queue()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("shared", durable: true, exclusive: false, autoDelete: false);
        await channel.BasicPublishAsync("", "shared", mandatory: false, new BasicProperties { MessageId = "from-rabbit", ContentType = "text/plain" }, Encoding.UTF8.GetBytes("hello across"));

        await using var client = new ServiceBusClient(_broker.ServiceBusConnectionString);
        await using ServiceBusReceiver receiver = client.CreateReceiver("shared");
        ServiceBusReceivedMessage? m = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(m);
        Assert.Equal("hello across", m.Body.ToString());
        Assert.Equal("from-rabbit", m.MessageId);
        await receiver.CompleteMessageAsync(m);
    }
}
