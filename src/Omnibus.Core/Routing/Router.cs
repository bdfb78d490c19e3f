using Omnibus.Core.Matching;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Routing;

/// <summary>One exchange in memory: its definition, its bindings (as declared) and its matcher.</summary>
internal sealed class ExchangeState(ExchangeDescription description, IBindingMatcher matcher)
{
    public ExchangeDescription Description { get; } = description;
    public IBindingMatcher Matcher { get; } = matcher;
    public List<BindingDescription> Bindings { get; } = [];
}

/// <summary>Where one message goes: the queues that take it (each once) and the changed copies rule actions made.</summary>
/// <summary>Where a message goes: the queues and topics (one namespace) it reaches, and per-binding copies.</summary>
internal readonly record struct RouteResult(IReadOnlyList<string> Queues, IReadOnlyList<(string Queue, BrokerMessage Copy)> Copies)
{
    public bool Routed => Queues.Count > 0 || Copies.Count > 0;
}

/// <summary>
/// The routing topology of one namespace: exchanges with their bindings, and the walk that takes a
/// message from an exchange to its queues. Changes happen under the write lock (the broker's catalog
/// lock is held around them); routing takes the read lock, so publishers route in parallel.
/// </summary>
internal sealed class Router(IRuleCompiler ruleCompiler, IReadOnlyList<IExchangeType> extraTypes) : IDisposable
{
    private readonly Dictionary<string, ExchangeState> _exchanges = new(StringComparer.Ordinal);
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public IReadOnlyDictionary<string, ExchangeState> Exchanges => _exchanges;

    public IExchangeType? FindType(string name) =>
        BuiltInExchangeType.All.FirstOrDefault(t => t.Name == name) ?? extraTypes.FirstOrDefault(t => t.Name == name);

    public IBindingMatcher CreateMatcher(ExchangeDescription exchange) =>
        (FindType(exchange.Type) ?? throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Unknown exchange type '{exchange.Type}'."))
            .CreateMatcher(exchange, ruleCompiler);

    /// <summary>Runs a change of the topology under the write lock.</summary>
    public void Change(Action change)
    {
        _lock.EnterWriteLock();
        try
        {
            change();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void AddExchange(ExchangeState state) => Change(() => _exchanges[state.Description.Name] = state);

    public void RemoveExchange(string name) => Change(() => _exchanges.Remove(name));

    public void AddBinding(ExchangeState source, BindingDescription binding) => Change(() =>
    {
        source.Matcher.Add(binding);
        source.Bindings.Add(binding);
    });

    public void RemoveBinding(ExchangeState source, BindingDescription binding) => Change(() =>
    {
        source.Matcher.Remove(binding);
        source.Bindings.RemoveAll(b => b.SameAs(binding));
    });

    /// <summary>
    /// Routes one message from <paramref name="exchange"/>. Each exchange reached is visited once, so
    /// a cycle of exchange-to-exchange bindings ends; each queue reached by several paths is listed
    /// once. An exchange whose own bindings select nothing hands the message to its alternate
    /// exchange (if that exists). Queues are listed in the order they were first reached.
    /// </summary>
    public RouteResult Route(string exchange, string routingKey, BrokerMessage message)
    {
        var queues = new List<string>();
        var seenQueues = new HashSet<string>(StringComparer.Ordinal);
        List<(string, BrokerMessage)>? copies = null;
        var seenExchanges = new HashSet<string>(StringComparer.Ordinal) { exchange };
        var pending = new Queue<string>();
        pending.Enqueue(exchange);
        var collector = new RouteCollector();
        _lock.EnterReadLock();
        try
        {
            while (pending.TryDequeue(out string? name))
            {
                if (!_exchanges.TryGetValue(name, out ExchangeState? x))
                {
                    continue;
                }
                collector.Clear();
                x.Matcher.Match(routingKey, message, collector);
                if (collector.Selected.Count == 0 && collector.Copies.Count == 0 && x.Description.AlternateExchange is { } alternate)
                {
                    if (seenExchanges.Add(alternate))
                    {
                        pending.Enqueue(alternate);
                    }
                    continue;
                }
                foreach (BindingDescription b in collector.Selected)
                {
                    if (b.DestinationKind is BindingDestinationKind.Queue or BindingDestinationKind.Topic)
                    {
                        // Queues and topics share one namespace, and both are stored by name.
                        if (seenQueues.Add(b.Destination))
                        {
                            queues.Add(b.Destination);
                        }
                    }
                    else if (seenExchanges.Add(b.Destination))
                    {
                        pending.Enqueue(b.Destination);
                    }
                }
                foreach ((BindingDescription b, BrokerMessage copy) in collector.Copies)
                {
                    (copies ??= []).Add((b.Destination, copy));
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
        return new RouteResult(queues, (IReadOnlyList<(string, BrokerMessage)>?)copies ?? []);
    }

    public void Dispose() => _lock.Dispose();
}
