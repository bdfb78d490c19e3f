using System.Text;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.ServiceBus.Rules;

namespace Omnibus.Core.Tests;

public sealed class V1FixtureWriter
{
    [Fact]
    public async Task Write_v1_fixture()
    {
        string? dir = Environment.GetEnvironmentVariable("OMNIBUS_V1_FIXTURE");
        if (dir is null)
        {
            return;
        }
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        using Broker b = Broker.Open(new BrokerOptions { DataDirectory = dir, TimeProvider = clock, SweepInterval = TimeSpan.FromSeconds(1), SegmentSize = 64 * 1024, RuleCompiler = ServiceBusRuleCompiler.Instance });
        b.CreateQueue(new QueueDescription { Name = "orders" });
        b.CreateQueue(new QueueDescription { Name = "sessions", RequiresSession = true });
        b.CreateTopic(new TopicDescription { Name = "events" });
        b.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "all" });
        b.CreateSubscription(new SubscriptionDescription { TopicName = "events", Name = "red" }, new RuleDescription { Name = "red", Filter = RuleFilterDescription.Sql("color = 'red'") });

        var props = new BrokerMessage
        {
            Body = Encoding.UTF8.GetBytes("plain"), MessageId = "m1", CorrelationId = "c1", Subject = "subj", ContentType = "text/plain",
            To = "to", ReplyTo = "reply", ReplyToSessionId = "rs", PartitionKey = "pk", TimeToLive = TimeSpan.FromHours(1),
        };
        props.ApplicationProperties["s"] = "text";
        props.ApplicationProperties["i"] = 42;
        props.ApplicationProperties["l"] = 4200000000L;
        props.ApplicationProperties["d"] = 1.5;
        props.ApplicationProperties["m"] = 12.34m;
        props.ApplicationProperties["b"] = true;
        props.ApplicationProperties["g"] = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        props.ApplicationProperties["t"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        props.ApplicationProperties["bin"] = new byte[] { 1, 2, 3 };
        props.ApplicationProperties["n"] = null;
        props.Annotations["x-opt-custom"] = "ann";
        var value = new BrokerMessage { Body = new byte[] { 0xa1, 0x02, (byte)'h', (byte)'i' }, BodyKind = BodyKind.AmqpValue, MessageId = "m2" };
        await b.SendAsync("orders", [props, value, Msg("dead", "m3"), Msg("defer", "m4")]);
        await b.ScheduleAsync("orders", [Msg("later", "m5")], clock.GetUtcNow().AddDays(1));

        Receivable orders = b.GetReceivable("orders");
        IReadOnlyList<BrokerMessage> got = await orders.ReceiveAsync(4, TimeSpan.Zero, ReceiveMode.PeekLock);
        await orders.AbandonAsync(got[0].LockToken);
        await orders.AbandonAsync(got[1].LockToken);
        await orders.DeadLetterAsync(got[2].LockToken, "Bad", "it was bad");
        await orders.DeferAsync(got[3].LockToken);

        await b.SendAsync("sessions", [Msg("s-a1", "a1", "A"), Msg("s-b1", "b1", "B"), Msg("s-a2", "a2", "A")]);
        SessionLock lockA = await b.GetReceivable("sessions").AcceptSessionAsync("A", TimeSpan.Zero);
        await b.GetReceivable("sessions").SetSessionStateAsync(lockA, [9, 9]);
        b.GetReceivable("sessions").ReleaseSession(lockA);

        BrokerMessage red = Msg("red event", "e1");
        red.ApplicationProperties["color"] = "red";
        BrokerMessage blue = Msg("blue event", "e2");
        blue.ApplicationProperties["color"] = "blue";
        await b.SendAsync("events", [red, blue]);
    }

    private static BrokerMessage Msg(string body, string id, string? session = null) =>
        new() { Body = Encoding.UTF8.GetBytes(body), MessageId = id, SessionId = session };
}
