using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Core.Entities;
using Omnibus.Testing;

namespace Omnibus.IntegrationTests;

/// <summary>
/// Service Bus's limits on entity properties hold where Service Bus creates entities (the ATOM API),
/// while the broker itself takes the wider values other protocols need (SQS visibility up to 12 h,
/// RabbitMQ's x-expires in milliseconds).
/// </summary>
public sealed class AdministrationLimitTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;
    private ServiceBusAdministrationClient _admin = null!;

    public async Task InitializeAsync()
    {
        _broker = await OmnibusTestBroker.StartAsync();
        _admin = new ServiceBusAdministrationClient(_broker.ServiceBusAdministrationConnectionString);
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_lock_duration_over_five_minutes_is_refused_through_the_administration_client_and_nothing_is_created()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateQueueAsync(new CreateQueueOptions("long-lock") { LockDuration = TimeSpan.FromMinutes(6) }));

        Assert.Contains("LockDuration", e.Message, StringComparison.Ordinal);
        Assert.Empty(_broker.Broker.ListQueues());
    }

    [Fact]
    public async Task An_update_to_a_subscription_lock_over_five_minutes_is_refused_and_the_old_value_stays()
    {
        await _admin.CreateTopicAsync("events");
        SubscriptionProperties s = await _admin.CreateSubscriptionAsync("events", "audit");
        s.LockDuration = TimeSpan.FromMinutes(10);

        await Assert.ThrowsAsync<ArgumentException>(() => _admin.UpdateSubscriptionAsync(s));

        Assert.Equal(TimeSpan.FromMinutes(1), (await _admin.GetSubscriptionAsync("events", "audit")).Value.LockDuration);
    }

    [Fact]
    public void The_broker_itself_takes_a_twelve_hour_lock_and_a_one_second_idle_expiry_for_other_protocols()
    {
        QueueDescription q = _broker.Broker.CreateQueue(new QueueDescription { Name = "sqs-like", LockDuration = TimeSpan.FromHours(12), AutoDeleteOnIdle = TimeSpan.FromSeconds(1) });

        Assert.Equal(TimeSpan.FromHours(12), q.LockDuration);
        Assert.Equal(TimeSpan.FromSeconds(1), q.AutoDeleteOnIdle);
    }
}
