using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Omnibus.Testing;
using RabbitMQ.Client;
using Wolverine;
using Wolverine.RabbitMQ;

namespace Omnibus.RabbitFrameworks.Tests;

public sealed record ShipOrder(Guid OrderId);

public sealed record RefundOrder(Guid OrderId);

/// <summary>What the Wolverine handlers saw (handlers are found by convention, so they report through statics).</summary>
internal static class WolverineInbox
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource<ShipOrder>> Shipped = new();
    public static int RefundAttempts;
}

public static class ShipOrderHandler
{
    public static void Handle(ShipOrder message) =>
        WolverineInbox.Shipped.GetOrAdd(message.OrderId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(message);
}

public static class RefundOrderHandler
{
    public static void Handle(RefundOrder message)
    {
        Interlocked.Increment(ref WolverineInbox.RefundAttempts);
        throw new InvalidOperationException($"refund of {message.OrderId} refused");
    }
}

/// <summary>A Wolverine application over its RabbitMQ transport, unchanged, against Omnibus.</summary>
public sealed class WolverineTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _broker = await OmnibusTestBroker.StartAsync();
        _host = await Host.CreateDefaultBuilder()
            .UseWolverine(opts =>
            {
                opts.ApplicationAssembly = typeof(WolverineTests).Assembly;
                opts.UseRabbitMq(new Uri($"amqp://guest:guest@127.0.0.1:{_broker.AmqpPort}/")).AutoProvision();
                opts.PublishMessage<ShipOrder>().ToRabbitQueue("wolverine-shipping");
                opts.ListenToRabbitQueue("wolverine-shipping");
                opts.PublishMessage<RefundOrder>().ToRabbitQueue("wolverine-refunds");
                opts.ListenToRabbitQueue("wolverine-refunds");
            })
            .StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task A_sent_message_is_handled_from_its_rabbitmq_queue()
    {
        var id = Guid.NewGuid();
        TaskCompletionSource<ShipOrder> shipped = WolverineInbox.Shipped.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        await _host.Services.GetRequiredService<IMessageBus>().SendAsync(new ShipOrder(id));

        Assert.Equal(new ShipOrder(id), await shipped.Task.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_message_whose_handler_keeps_failing_ends_in_the_dead_letter_queue()
    {
        var id = Guid.NewGuid();

        await _host.Services.GetRequiredService<IMessageBus>().SendAsync(new RefundOrder(id));

        BasicGetResult dead = await QueueProbe.GetAsync(_broker.AmqpPort, "wolverine-dead-letter-queue");
        Assert.Contains(id.ToString(), System.Text.Encoding.UTF8.GetString(dead.Body.Span), StringComparison.Ordinal);
        Assert.True(Volatile.Read(ref WolverineInbox.RefundAttempts) >= 1);
    }
}
