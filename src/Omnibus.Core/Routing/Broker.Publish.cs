using Omnibus.Core.Messages;
using Omnibus.Core.Routing;
using Omnibus.Core.Security;

namespace Omnibus.Core.Engine;

/// <summary>Publishing through exchanges, and dead-lettering to an exchange or queue.</summary>
public sealed partial class Broker
{
    /// <summary>Publishes one message through an exchange; see <see cref="PublishAsync(string, string, IReadOnlyList{BrokerMessage}, CallerIdentity?)"/>.</summary>
    public async Task<PublishResult> PublishAsync(string exchange, string routingKey, BrokerMessage message, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        IReadOnlyList<PublishResult> results = await PublishAsync(exchange, routingKey, [message], caller).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Publishes messages through an exchange (the default exchange <c>""</c> routes to the queue the
    /// routing key names). Each message is routed on its own (headers and rules look at each one) and
    /// appended to every queue it reaches, once per queue however many paths lead there; the messages
    /// bound for one queue are one atomic append. Completes when every append is durable, with one
    /// result per message: whether any queue took it, and which. The caller needs
    /// <see cref="EntityRight.Send"/> on the exchange (on the queue, for the default exchange).
    /// An unknown exchange is <see cref="MessagingErrorCode.EntityNotFound"/>; an internal one
    /// <see cref="MessagingErrorCode.InvalidOperation"/>. A queue that refuses its messages (quota,
    /// size, disabled) fails the call, while other queues may have stored theirs: a publish reaching
    /// several queues is not atomic across them (the publisher retries: at least once).
    /// </summary>
    public Task<IReadOnlyList<PublishResult>> PublishAsync(string exchange, string routingKey, IReadOnlyList<BrokerMessage> messages, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(routingKey);
        ArgumentNullException.ThrowIfNull(messages);
        if (exchange.Length == 0)
        {
            Authorize(caller, EntityRight.Send, routingKey);
        }
        else
        {
            Authorize(caller, EntityRight.Send, exchange);
            if (!IsTopicWithoutExchange(exchange) && GetExchange(exchange).Internal)
            {
                throw new MessagingException(MessagingErrorCode.InvalidOperation, $"The exchange '{exchange}' is internal: it takes messages only from other exchanges.");
            }
        }
        string target = exchange.Length == 0 ? routingKey : exchange;
        Space.ThrowIfFull(target);
        return MapDiskFull(target, RouteAndStoreAsync(exchange, _ => routingKey, messages));
    }

    /// <summary>
    /// A topic is an exchange too: publishing to a topic's name reaches the topic (its subscriptions
    /// choose by their rules), and the bindings of an exchange declared with the same name, if there is
    /// one. So a Service Bus topic <c>events</c> is RabbitMQ's exchange <c>events</c>.
    /// </summary>
    private bool IsTopicWithoutExchange(string name)
    {
        lock (_catalogLock)
        {
            return _topics.ContainsKey(name) && !_router.Exchanges.ContainsKey(name);
        }
    }

    private bool IsTopic(string name)
    {
        lock (_catalogLock)
        {
            return _topics.ContainsKey(name);
        }
    }

    /// <summary>
    /// After a send to a topic: the same messages through the bindings of the exchange named like the
    /// topic, when one was declared (a RabbitMQ queue bound to exchange <c>events</c> gets what a Service
    /// Bus sender sends to topic <c>events</c>). The routing key is the one a front-end stamped, else the
    /// subject. Not atomic with the topic's append: a failure here fails the send after the topic stored it.
    /// </summary>
    private async Task RouteThroughExchangeOfTopicAsync(string topic, IReadOnlyList<BrokerMessage> messages)
    {
        bool declared;
        lock (_catalogLock)
        {
            declared = _router.Exchanges.ContainsKey(topic);
        }
        if (declared)
        {
            await RouteAndStoreAsync(topic, m => DeadLetterMarking.RoutingKeyOf(m) is { Length: > 0 } key ? key : m.Subject ?? "", messages, includeTopic: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Dead-letters messages to <paramref name="target"/>: each copy gets the reason in its headers
    /// (<see cref="DeadLetterHeaders"/>: cause, reason text, source, the exchange and routing key it
    /// had, time, a count raised each time, the first cause and source kept), loses its time to live,
    /// and is published to the target exchange (with the target's routing key, else its own) or
    /// appended to the target queue. The originals are not changed; settling them is the caller's next
    /// step. A message the target exchange routes nowhere is dropped (the result says so), as RabbitMQ does.
    /// </summary>
    public Task<IReadOnlyList<PublishResult>> DeadLetterAsync(IReadOnlyList<BrokerMessage> messages, DeadLetterTarget target, DeadLetterReason reason)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(reason);
        DateTimeOffset now = Clock.GetUtcNow();
        var copies = new List<BrokerMessage>(messages.Count);
        foreach (BrokerMessage original in messages)
        {
            BrokerMessage copy = original.Clone();
            DeadLetterMarking.Mark(copy, reason, now);
            copies.Add(copy);
        }
        return StoreDeadLettersAsync(copies, target);
    }

    /// <summary>Publishes or appends messages already marked as dead letters to <paramref name="target"/>.</summary>
    private Task<IReadOnlyList<PublishResult>> StoreDeadLettersAsync(IReadOnlyList<BrokerMessage> marked, DeadLetterTarget target)
    {
        if (target.Queue is { } queue)
        {
            return RouteAndStoreAsync(DefaultExchange, _ => queue, marked);
        }
        string exchange = target.Exchange!;
        if (exchange.Length > 0)
        {
            GetExchange(exchange);
        }
        return RouteAndStoreAsync(exchange, m => target.RoutingKey ?? DeadLetterMarking.RoutingKeyOf(m), marked);
    }

    /// <summary>
    /// Routes each message, then appends to each queue reached the messages bound for it (one batch per
    /// queue, all started before any is awaited so they share the group commit). Each stored copy notes
    /// the exchange and routing key it was published with (<see cref="RoutingAnnotations"/>; a dead
    /// letter's earlier ones are in its dead-letter headers by then).
    /// </summary>
    private async Task<IReadOnlyList<PublishResult>> RouteAndStoreAsync(string exchange, Func<BrokerMessage, string> routingKeyOf, IReadOnlyList<BrokerMessage> messages, bool includeTopic = true)
    {
        // The topic named like the exchange takes every message too (see IsTopicWithoutExchange).
        bool toTopic = includeTopic && exchange.Length > 0 && IsTopic(exchange);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var routes = new RouteResult[messages.Count];
        var perQueue = new Dictionary<string, List<BrokerMessage>>(StringComparer.Ordinal);
        for (int i = 0; i < messages.Count; i++)
        {
            BrokerMessage message = messages[i];
            string routingKey = routingKeyOf(message);
            routes[i] = exchange.Length == 0 ? RouteByQueueName(routingKey) : _router.Route(exchange, routingKey, message);
            if (toTopic && !routes[i].Queues.Contains(exchange, StringComparer.Ordinal))
            {
                routes[i] = routes[i] with { Queues = [exchange, .. routes[i].Queues] };
            }
            foreach (string queue in routes[i].Queues)
            {
                Add(queue, Stamped(message.Clone(), routingKey));
            }
            foreach ((string queue, BrokerMessage copy) in routes[i].Copies)
            {
                Add(queue, Stamped(copy, routingKey));
            }
        }
        var queues = perQueue.Keys.ToArray();
        var sends = queues.Select(q => SendAsync(q, perQueue[q], 0)).ToArray();
        var vanished = new HashSet<string>(StringComparer.Ordinal);
        Exception? failure = null;
        for (int i = 0; i < sends.Length; i++)
        {
            try
            {
                await sends[i].ConfigureAwait(false);
            }
            catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
            {
                // Deleted between routing and storing: as if its binding had gone first.
                vanished.Add(queues[i]);
            }
            catch (Exception e) when (e is MessagingException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                failure ??= e;
            }
        }
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        var results = new PublishResult[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            var reached = routes[i].Queues.Concat(routes[i].Copies.Select(c => c.Queue)).Where(q => !vanished.Contains(q)).Distinct(StringComparer.Ordinal).ToList();
            results[i] = new PublishResult(reached.Count > 0, reached);
        }
        return results;

        void Add(string queue, BrokerMessage m)
        {
            if (!perQueue.TryGetValue(queue, out List<BrokerMessage>? list))
            {
                perQueue[queue] = list = [];
            }
            list.Add(m);
        }

        BrokerMessage Stamped(BrokerMessage m, string routingKey)
        {
            m.NativeFields[RoutingAnnotations.Exchange] = exchange;
            m.NativeFields[RoutingAnnotations.RoutingKey] = routingKey;
            return m;
        }
    }

    private RouteResult RouteByQueueName(string routingKey)
    {
        lock (_catalogLock)
        {
            return _queues.ContainsKey(routingKey) ? new RouteResult([routingKey], []) : new RouteResult([], []);
        }
    }
}
