using System.Text;
using System.Threading.Channels;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>Direct reply-to (amq.rabbitmq.reply-to) through RabbitMQ.Client: request/response without a reply queue.</summary>
public sealed class DirectReplyToTests : RabbitBrokerTest
{
    [Fact]
    public async Task A_reply_published_to_the_rewritten_reply_to_reaches_the_requesting_channel()
    {
        await using IConnection client = await ConnectAsync();
        await using IChannel requests = await client.CreateChannelAsync();
        await using IConnection server = await ConnectAsync();
        await using IChannel serving = await server.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await serving.QueueDeclareAsync("rpc", durable: true, exclusive: false, autoDelete: false);

        var replies = Channel.CreateUnbounded<BasicDeliverEventArgs>();
        var replyConsumer = new AsyncEventingBasicConsumer(requests);
        replyConsumer.ReceivedAsync += (_, e) => replies.Writer.WriteAsync(new BasicDeliverEventArgs(e.ConsumerTag, e.DeliveryTag, e.Redelivered, e.Exchange, e.RoutingKey, e.BasicProperties, e.Body.ToArray())).AsTask();
        string replyTag = await requests.BasicConsumeAsync("amq.rabbitmq.reply-to", autoAck: true, replyConsumer);
        await requests.BasicPublishAsync("", "rpc", mandatory: false, new BasicProperties { ReplyTo = "amq.rabbitmq.reply-to", CorrelationId = "c1" }, Encoding.UTF8.GetBytes("ping"));

        BasicGetResult? request = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((request = await serving.BasicGetAsync("rpc", autoAck: true, timeout.Token)) is null)
        {
            await Task.Delay(20, timeout.Token);
        }
        string replyTo = request.BasicProperties.ReplyTo!;
        Assert.StartsWith("amq.rabbitmq.reply-to.", replyTo, StringComparison.Ordinal);
        await serving.BasicPublishAsync("", replyTo, mandatory: true, new BasicProperties { CorrelationId = "c1" }, Encoding.UTF8.GetBytes("pong"));

        BasicDeliverEventArgs reply = await replies.Reader.ReadAsync(timeout.Token);
        Assert.Equal("pong", Encoding.UTF8.GetString(reply.Body.Span));
        Assert.Equal("c1", reply.BasicProperties.CorrelationId);
        Assert.Equal(replyTag, reply.ConsumerTag);
        Assert.Equal(replyTo, reply.RoutingKey);

        // Once the reply consumer is cancelled, a reply to that name is unroutable: returned when mandatory.
        await requests.BasicCancelAsync(replyTag);
        PublishReturnException returned = await Assert.ThrowsAsync<PublishReturnException>(() =>
            serving.BasicPublishAsync("", replyTo, mandatory: true, new BasicProperties(), Encoding.UTF8.GetBytes("late")).AsTask());
        Assert.Equal(312, returned.ReplyCode);
    }

    [Fact]
    public async Task Consuming_the_pseudo_queue_with_acknowledgements_is_refused()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel channel = await connection.CreateChannelAsync();

        OperationInterruptedException e = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
            channel.BasicConsumeAsync("amq.rabbitmq.reply-to", autoAck: false, new AsyncEventingBasicConsumer(channel)));
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task Publishing_with_the_pseudo_queue_as_reply_to_without_consuming_it_is_refused()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("rpc", durable: true, exclusive: false, autoDelete: false);

        await channel.BasicPublishAsync("", "rpc", mandatory: false, new BasicProperties { ReplyTo = "amq.rabbitmq.reply-to" }, "x"u8.ToArray());
        await ExclusiveQueueTests.WaitUntilAsync(() => Task.FromResult(channel.IsClosed));
        Assert.Equal(406, channel.CloseReason!.ReplyCode);
        Assert.Equal("PRECONDITION_FAILED - fast reply consumer does not exist", channel.CloseReason.ReplyText);
    }
}
