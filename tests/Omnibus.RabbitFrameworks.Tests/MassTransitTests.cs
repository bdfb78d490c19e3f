using MassTransit;
using Omnibus.Testing;
using RabbitMQ.Client;

namespace Omnibus.RabbitFrameworks.Tests;

public sealed record OrderSubmitted(Guid OrderId, string Customer);

public sealed record CheckOrder(Guid OrderId);

public sealed record OrderStatus(Guid OrderId, string Status);

public sealed record ChargeCard(Guid OrderId);

/// <summary>A MassTransit application over RabbitMQ (its own transport, unchanged) against Omnibus.</summary>
public sealed class MassTransitTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private IBusControl CreateBus(Action<IRabbitMqBusFactoryConfigurator> configure) =>
        Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri($"rabbitmq://127.0.0.1:{_broker.AmqpPort}/"), h =>
            {
                h.Username("guest");
                h.Password("guest");
            });
            configure(cfg);
        });

    [Fact]
    public async Task A_published_event_reaches_every_subscribed_endpoint()
    {
        var billing = new TaskCompletionSource<OrderSubmitted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shipping = new TaskCompletionSource<OrderSubmitted>(TaskCreationOptions.RunContinuationsAsynchronously);
        IBusControl bus = CreateBus(cfg =>
        {
            cfg.ReceiveEndpoint("billing", e => e.Handler<OrderSubmitted>(c => { billing.TrySetResult(c.Message); return Task.CompletedTask; }));
            cfg.ReceiveEndpoint("shipping", e => e.Handler<OrderSubmitted>(c => { shipping.TrySetResult(c.Message); return Task.CompletedTask; }));
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            var order = new OrderSubmitted(Guid.NewGuid(), "acme");
            await bus.Publish(order);

            Assert.Equal(order, await billing.Task.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(order, await shipping.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task A_request_gets_its_response_through_the_temporary_reply_endpoint()
    {
        IBusControl bus = CreateBus(cfg =>
            cfg.ReceiveEndpoint("order-status", e => e.Handler<CheckOrder>(c => c.RespondAsync(new OrderStatus(c.Message.OrderId, "shipped")))));
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            IRequestClient<CheckOrder> client = bus.CreateRequestClient<CheckOrder>(new Uri("queue:order-status"), RequestTimeout.After(s: 20));
            var id = Guid.NewGuid();

            Response<OrderStatus> response = await client.GetResponse<OrderStatus>(new CheckOrder(id));

            Assert.Equal(new OrderStatus(id, "shipped"), response.Message);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_then_moved_to_the_error_queue()
    {
        int attempts = 0;
        IBusControl bus = CreateBus(cfg =>
            cfg.ReceiveEndpoint("payments", e =>
            {
                e.UseMessageRetry(r => r.Immediate(2));
                e.Handler<ChargeCard>(_ =>
                {
                    Interlocked.Increment(ref attempts);
                    throw new InvalidOperationException("card declined");
                });
            }));
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var id = Guid.NewGuid();
        try
        {
            ISendEndpoint endpoint = await bus.GetSendEndpoint(new Uri("queue:payments"));
            await endpoint.Send(new ChargeCard(id));

            BasicGetResult faulted = await QueueProbe.GetAsync(_broker.AmqpPort, "payments_error");

            Assert.Equal(3, Volatile.Read(ref attempts));
            Assert.Contains(id.ToString(), System.Text.Encoding.UTF8.GetString(faulted.Body.Span), StringComparison.Ordinal);
            Assert.Contains("card declined", HeaderText(faulted, "MT-Fault-Message"), StringComparison.Ordinal);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static string HeaderText(BasicGetResult got, string name) =>
        got.BasicProperties.Headers?.TryGetValue(name, out object? v) == true && v is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : "";
}
