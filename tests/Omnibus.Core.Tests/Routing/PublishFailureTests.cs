using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

public sealed class PublishFailureTests : RoutingFixture
{
    [Fact]
    public async Task A_queue_that_refuses_its_message_fails_the_publish_while_the_other_queues_keep_theirs()
    {
        Queues("open");
        Broker.CreateQueue(new QueueDescription { Name = "closed", Status = EntityStatus.SendDisabled });
        Exchange("f", ExchangeTypes.Fanout);
        BindQueue("f", "open");
        BindQueue("f", "closed");

        MessagingException e = await Assert.ThrowsAsync<MessagingException>(() => Publish("f", "", "m"));

        Assert.Equal(MessagingErrorCode.EntityDisabled, e.Code);
        Assert.Equal(["m"], await Drain("open"));
    }

    [Fact]
    public async Task Publishers_route_while_bindings_come_and_go_and_each_publish_sees_a_whole_topology()
    {
        Queues("stable", "flapping");
        Exchange("t", ExchangeTypes.Topic);
        BindQueue("t", "stable", "a.#");
        using var stop = new CancellationTokenSource();
        Task flapper = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                BindQueue("t", "flapping", "a.*");
                Broker.Unbind(new BindingDescription { Source = "t", Destination = "flapping", RoutingKey = "a.*" });
            }
        });
        var results = new List<PublishResult>();
        for (int i = 0; i < 200; i++)
        {
            results.Add(await Publish("t", "a.b", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        await stop.CancelAsync();
        await flapper;

        Assert.All(results, r => Assert.Contains("stable", r.Queues));
        Assert.Equal(200, (await Drain("stable")).Count);
        Assert.Equal(results.Count(r => r.Queues.Contains("flapping")), (await Drain("flapping")).Count);
    }
}
