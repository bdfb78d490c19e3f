using Omnibus.Amqp091.Codec;
using Omnibus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Omnibus.Amqp091.Tests;

/// <summary>tx.select / tx.commit / tx.rollback through RabbitMQ.Client.</summary>
public sealed class TransactionTests : RabbitBrokerTest
{
    private static async Task<uint> ReadyAsync(IChannel channel, string queue) => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    [Fact]
    public async Task Publishes_in_a_transaction_appear_at_commit_and_are_dropped_at_rollback()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel tx = await connection.CreateChannelAsync();
        await using IChannel observer = await connection.CreateChannelAsync();
        await tx.QueueDeclareAsync("txq", durable: true, exclusive: false, autoDelete: false);
        await tx.TxSelectAsync();

        await tx.BasicPublishAsync("", "txq", "one"u8.ToArray());
        await tx.BasicPublishAsync("", "txq", "two"u8.ToArray());
        Assert.Equal(0u, await ReadyAsync(observer, "txq"));
        await tx.TxCommitAsync();
        Assert.Equal(2u, await ReadyAsync(observer, "txq"));

        await tx.BasicPublishAsync("", "txq", "three"u8.ToArray());
        await tx.TxRollbackAsync();
        await tx.TxCommitAsync();
        Assert.Equal(2u, await ReadyAsync(observer, "txq"));
    }

    [Fact]
    public async Task Acks_in_a_transaction_take_effect_at_commit_and_a_rollback_leaves_the_messages_unacked()
    {
        await using IConnection connection = await ConnectAsync();
        await using IChannel tx = await connection.CreateChannelAsync();
        // Confirmed publishes: both messages are stored before the gets.
        await using IChannel observer = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await observer.QueueDeclareAsync("txq", durable: true, exclusive: false, autoDelete: false);
        await observer.BasicPublishAsync("", "txq", "one"u8.ToArray());
        await observer.BasicPublishAsync("", "txq", "two"u8.ToArray());
        await tx.TxSelectAsync();
        BasicGetResult first = (await tx.BasicGetAsync("txq", autoAck: false))!;
        BasicGetResult second = (await tx.BasicGetAsync("txq", autoAck: false))!;

        await tx.BasicAckAsync(first.DeliveryTag, multiple: false);
        await tx.TxRollbackAsync();
        await tx.BasicAckAsync(second.DeliveryTag, multiple: false);
        await tx.TxCommitAsync();

        // The rolled-back ack did nothing: the first message is still held, and comes back when the channel goes.
        await tx.CloseAsync();
        await ExclusiveQueueTests.WaitUntilAsync(async () => await ReadyAsync(observer, "txq") == 1);
        BasicGetResult again = (await observer.BasicGetAsync("txq", autoAck: true))!;
        Assert.Equal("one", System.Text.Encoding.UTF8.GetString(again.Body.Span));
        Assert.True(again.Redelivered);
    }

    [Fact]
    public async Task Tx_select_on_a_confirming_channel_and_commit_without_select_are_refused()
    {
        await using IConnection connection = await ConnectAsync();
        IChannel confirming = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false));
        OperationInterruptedException e = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => confirming.TxSelectAsync());
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.Equal("PRECONDITION_FAILED - cannot switch from confirm to tx mode", e.ShutdownReason.ReplyText);

        await using IChannel plain = await connection.CreateChannelAsync();
        e = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => plain.TxCommitAsync());
        Assert.Equal(406, e.ShutdownReason!.ReplyCode);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task Confirm_select_on_a_transactional_channel_is_refused()
    {
        using RawConnection raw = await RawConnection.OpenAsync(Broker.AmqpPort);
        await raw.SendMethodAsync(1, MethodIds.ChannelOpen, w => w.ShortString(""));
        await raw.ExpectMethodAsync(MethodIds.ChannelOpenOk);
        await raw.SendMethodAsync(1, MethodIds.TxSelect);
        await raw.ExpectMethodAsync(MethodIds.TxSelectOk);
        await raw.SendMethodAsync(1, MethodIds.ConfirmSelect, w => w.Bit(false));
        Assert.Equal(ReplyCodes.PreconditionFailed, await raw.ExpectCloseAsync(MethodIds.ChannelClose));
    }
}
