using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Core.Tests.Routing;

/// <summary>A broker with helpers to declare queues, exchanges and bindings and to see what each queue holds.</summary>
public abstract class RoutingFixture : IDisposable
{
    protected BrokerHarness Harness { get; } = new();

    protected Broker Broker => Harness.Broker;

    protected void Queues(params string[] names)
    {
        foreach (string name in names)
        {
            Broker.CreateQueue(new QueueDescription { Name = name });
        }
    }

    protected ExchangeDescription Exchange(string name, string type = ExchangeTypes.Direct, string? alternate = null, bool durable = true, bool autoDelete = false, bool isInternal = false) =>
        Broker.DeclareExchange(new ExchangeDescription { Name = name, Type = type, AlternateExchange = alternate, Durable = durable, AutoDelete = autoDelete, Internal = isInternal });

    protected bool BindQueue(string exchange, string queue, string key = "", Dictionary<string, object?>? arguments = null) =>
        Broker.Bind(new BindingDescription { Source = exchange, Destination = queue, RoutingKey = key, Arguments = arguments ?? [] });

    protected bool BindExchange(string source, string destination, string key = "") =>
        Broker.Bind(new BindingDescription { Source = source, Destination = destination, DestinationKind = BindingDestinationKind.Exchange, RoutingKey = key });

    protected async Task<PublishResult> Publish(string exchange, string key, string body = "m", IDictionary<string, object?>? headers = null) =>
        await Broker.PublishAsync(exchange, key, BrokerHarness.Message(body, properties: headers));

    /// <summary>Every body queued in <paramref name="queue"/>, in order (received and deleted).</summary>
    protected async Task<List<string>> Drain(string queue)
    {
        var bodies = new List<string>();
        IReadOnlyList<BrokerMessage> got;
        while ((got = await Harness.Receive(queue, 100, ReceiveMode.ReceiveAndDelete)).Count > 0)
        {
            bodies.AddRange(got.Select(BrokerHarness.Text));
        }
        return bodies;
    }

    protected async Task<Dictionary<string, List<string>>> DrainAll(params string[] queues)
    {
        var all = new Dictionary<string, List<string>>();
        foreach (string q in queues)
        {
            all[q] = await Drain(q);
        }
        return all;
    }

    public void Dispose()
    {
        Harness.Dispose();
        GC.SuppressFinalize(this);
    }
}
