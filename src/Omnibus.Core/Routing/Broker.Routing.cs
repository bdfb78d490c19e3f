using Omnibus.Core.Routing;
using Omnibus.Core.Security;

namespace Omnibus.Core.Engine;

/// <summary>Exchanges and bindings: declaration, persistence (<c>routing.json</c>) and change notifications. Publishing is in Broker.Publish.cs.</summary>
public sealed partial class Broker
{
    /// <summary>The default exchange: routes to the queue named by the routing key; it cannot be declared, deleted or bound.</summary>
    public const string DefaultExchange = "";

    private static readonly ExchangeDescription DefaultExchangeDescription = new() { Name = DefaultExchange, Type = ExchangeTypes.Direct, Durable = true };

    private Router _router = null!;

    /// <summary>Whether <c>routing.json</c> exists (the catalog records it, so that a lost one is noticed).</summary>
    private bool _hasRouting;

    /// <summary>Loads the routing topology, after the queues are open (bindings to queues that are gone are dropped).</summary>
    private void OpenRouting()
    {
        _router = new Router(Options.RuleCompiler, Options.ExchangeTypes);
        RoutingDocument doc = RoutingCatalog.Load(Store, DataDirectory);
        foreach (ExchangeDescription x in doc.Exchanges)
        {
            _router.AddExchange(new ExchangeState(x, _router.CreateMatcher(x)));
        }
        foreach (BindingDescription b in doc.Bindings)
        {
            if (_router.Exchanges.TryGetValue(b.Source, out ExchangeState? source) && DestinationExists(b))
            {
                _router.AddBinding(source, b);
            }
            else if (b.DestinationKind != BindingDestinationKind.Exchange && _quarantine.ContainsKey(b.Destination))
            {
                // Kept for when the entity's data is restored; routes nothing meanwhile.
                _quarantinedBindings.Add(b);
            }
        }
    }

    private bool DestinationExists(BindingDescription b) => b.DestinationKind switch
    {
        BindingDestinationKind.Queue => _queues.ContainsKey(b.Destination),
        BindingDestinationKind.Topic => _topics.ContainsKey(b.Destination),
        _ => _router.Exchanges.ContainsKey(b.Destination),
    };

    /// <summary>
    /// Declares an exchange: creates it, or returns the existing one when it is declared the same way
    /// (type and flags; arguments are the declaring front-end's to compare). A different declaration is
    /// <see cref="MessagingErrorCode.PreconditionFailed"/> and changes nothing.
    /// </summary>
    public ExchangeDescription DeclareExchange(ExchangeDescription description, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        RoutingValidation.ValidateExchangeName(description.Name);
        Authorize(caller, EntityRight.Manage, description.Name);
        RoutingValidation.ValidateArguments(description.Arguments, "exchange argument");
        if (description.AlternateExchange is { Length: > 0 } alternate)
        {
            RoutingValidation.ValidateExchangeName(alternate);
        }
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_router.Exchanges.TryGetValue(description.Name, out ExchangeState? existing))
            {
                if (!existing.Description.IsEquivalentTo(description))
                {
                    throw new MessagingException(MessagingErrorCode.PreconditionFailed,
                        $"The exchange '{description.Name}' exists with type '{existing.Description.Type}', durable {existing.Description.Durable}, auto-delete {existing.Description.AutoDelete}, internal {existing.Description.Internal}; it cannot be redeclared differently.");
                }
                return existing.Description;
            }
            ExchangeDescription created = description with { CreatedAt = Clock.GetUtcNow(), Arguments = new(description.Arguments, StringComparer.Ordinal) };
            var state = new ExchangeState(created, _router.CreateMatcher(created));
            if (created.Durable)
            {
                SaveRouting(extraExchange: created);
            }
            _router.AddExchange(state);
            EntityChanged?.Invoke(new EntityChange(EntityKind.Exchange, created.Name, EntityChangeKind.Created));
            return created;
        }
    }

    /// <summary>An exchange's definition (the default exchange too); <see cref="MessagingErrorCode.EntityNotFound"/> when there is none.</summary>
    public ExchangeDescription GetExchange(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return DefaultExchangeDescription;
        }
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _router.Exchanges.TryGetValue(name, out ExchangeState? x) ? x.Description : throw ExchangeNotFound(name);
        }
    }

    /// <summary>Every exchange by name, the default exchange first.</summary>
    public IReadOnlyList<ExchangeDescription> ListExchanges()
    {
        lock (_catalogLock)
        {
            return [DefaultExchangeDescription, .. _router.Exchanges.Values.Select(x => x.Description).OrderBy(x => x.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Deletes an exchange with the bindings from it and to it (exchanges left without bindings that
    /// are auto-delete go too). With <paramref name="ifUnused"/>, an exchange that still has bindings
    /// from it is <see cref="MessagingErrorCode.PreconditionFailed"/>.
    /// </summary>
    public void DeleteExchange(string name, bool ifUnused = false, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Authorize(caller, EntityRight.Manage, name);
        RoutingValidation.ValidateExchangeName(name);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_router.Exchanges.TryGetValue(name, out ExchangeState? x))
            {
                throw ExchangeNotFound(name);
            }
            if (ifUnused && x.Bindings.Count > 0)
            {
                throw new MessagingException(MessagingErrorCode.PreconditionFailed, $"The exchange '{name}' is in use: it has {x.Bindings.Count} binding(s).");
            }
            RemoveFromTopology([name], _ => false);
        }
    }

    /// <summary>
    /// Binds a queue or exchange to an exchange. The source must exist (not the default exchange), the
    /// destination too; the binding must suit the source's type (a valid pattern, valid arguments or
    /// rules). Returns false when the same binding exists already (nothing changes).
    /// </summary>
    public bool Bind(BindingDescription binding, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ValidateBindingShape(binding);
        Authorize(caller, EntityRight.Manage, binding.Source);
        Authorize(caller, EntityRight.Manage, binding.Destination);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ExchangeState source = FindBindingEnds(binding);
            source.Matcher.Validate(binding);
            if (source.Bindings.Any(b => b.SameAs(binding)))
            {
                return false;
            }
            BindingDescription stored = binding with
            {
                Arguments = new(binding.Arguments, StringComparer.Ordinal),
                Rules = binding.Rules is null ? null : [.. binding.Rules],
            };
            if (IsDurable(stored))
            {
                SaveRouting(extraBinding: stored);
            }
            _router.AddBinding(source, stored);
            EntityChanged?.Invoke(new EntityChange(EntityKind.Binding, stored.Destination, EntityChangeKind.Created, stored.Source));
            return true;
        }
    }

    /// <summary>
    /// Removes a binding. The source and destination must exist; a binding that is not there changes
    /// nothing (false). An auto-delete source left without bindings is deleted.
    /// </summary>
    public bool Unbind(BindingDescription binding, CallerIdentity? caller = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ValidateBindingShape(binding);
        Authorize(caller, EntityRight.Manage, binding.Source);
        Authorize(caller, EntityRight.Manage, binding.Destination);
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ExchangeState source = FindBindingEnds(binding);
            if (!source.Bindings.Any(b => b.SameAs(binding)))
            {
                return false;
            }
            RemoveFromTopology([], b => b.SameAs(binding));
            return true;
        }
    }

    /// <summary>Every binding, or those from <paramref name="source"/>, in the order they were made (the default exchange's are implicit: none is listed).</summary>
    public IReadOnlyList<BindingDescription> ListBindings(string? source = null)
    {
        if (source is { Length: 0 })
        {
            return [];
        }
        lock (_catalogLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (source is null)
            {
                return [.. _router.Exchanges.Values.OrderBy(x => x.Description.Name, StringComparer.Ordinal).SelectMany(x => x.Bindings)];
            }
            return _router.Exchanges.TryGetValue(source, out ExchangeState? x) ? [.. x.Bindings] : throw ExchangeNotFound(source);
        }
    }

    private static void ValidateBindingShape(BindingDescription binding)
    {
        ArgumentNullException.ThrowIfNull(binding.Source, nameof(binding.Source));
        ArgumentNullException.ThrowIfNull(binding.Destination, nameof(binding.Destination));
        ArgumentNullException.ThrowIfNull(binding.RoutingKey, nameof(binding.RoutingKey));
        RoutingValidation.ValidateExchangeName(binding.Source);
        if (binding.DestinationKind == BindingDestinationKind.Exchange)
        {
            RoutingValidation.ValidateExchangeName(binding.Destination);
        }
        else if (binding.Destination.Length == 0)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "A binding needs a destination queue or topic.");
        }
        RoutingKeys.ValidateLength(binding.RoutingKey, "binding key");
        RoutingValidation.ValidateArguments(binding.Arguments, "binding argument");
    }

    /// <summary>The binding's source; throws EntityNotFound when the source or the destination does not exist.</summary>
    private ExchangeState FindBindingEnds(BindingDescription binding)
    {
        if (!_router.Exchanges.TryGetValue(binding.Source, out ExchangeState? source))
        {
            throw ExchangeNotFound(binding.Source);
        }
        if (!DestinationExists(binding))
        {
            throw binding.DestinationKind == BindingDestinationKind.Exchange ? ExchangeNotFound(binding.Destination) : MessagingException.NotFound(binding.Destination);
        }
        return source;
    }

    /// <summary>A binding is kept across a restart when its source is durable and its destination a queue or a durable exchange.</summary>
    private bool IsDurable(BindingDescription b) =>
        _router.Exchanges.TryGetValue(b.Source, out ExchangeState? source) && source.Description.Durable
        && (b.DestinationKind != BindingDestinationKind.Exchange
            || (_router.Exchanges.TryGetValue(b.Destination, out ExchangeState? destination) && destination.Description.Durable));

    /// <summary>
    /// Removes exchanges and bindings, and then every auto-delete exchange left without bindings
    /// (repeatedly): the routing catalog is written first, so a failed write changes nothing; then
    /// the topology and the watchers are told (one event per exchange, per explicitly removed binding).
    /// </summary>
    private void RemoveFromTopology(IEnumerable<string> exchanges, Func<BindingDescription, bool> bindings)
    {
        var deleted = new HashSet<string>(exchanges, StringComparer.Ordinal);
        var removed = new List<(ExchangeState Source, BindingDescription Binding, bool Explicit)>();
        bool grew = true;
        while (grew)
        {
            grew = false;
            removed.Clear();
            foreach (ExchangeState x in _router.Exchanges.Values)
            {
                foreach (BindingDescription b in x.Bindings)
                {
                    bool asked = bindings(b);
                    if (asked || deleted.Contains(b.Source) || (b.DestinationKind == BindingDestinationKind.Exchange && deleted.Contains(b.Destination)))
                    {
                        removed.Add((x, b, asked));
                    }
                }
            }
            foreach (ExchangeState x in _router.Exchanges.Values)
            {
                if (x.Description.AutoDelete && !deleted.Contains(x.Description.Name) && x.Bindings.Count > 0
                    && x.Bindings.All(b => removed.Any(r => ReferenceEquals(r.Binding, b))))
                {
                    deleted.Add(x.Description.Name);
                    grew = true;
                }
            }
        }
        if (deleted.Count == 0 && removed.Count == 0)
        {
            return;
        }
        SaveRouting(dropExchanges: deleted, dropBindings: new HashSet<BindingDescription>(removed.Select(r => r.Binding), ReferenceEqualityComparer.Instance));
        _router.Change(() =>
        {
            foreach ((ExchangeState source, BindingDescription binding, _) in removed)
            {
                source.Matcher.Remove(binding);
                source.Bindings.Remove(binding);
            }
        });
        foreach ((_, BindingDescription binding, bool isExplicit) in removed)
        {
            if (isExplicit)
            {
                EntityChanged?.Invoke(new EntityChange(EntityKind.Binding, binding.Destination, EntityChangeKind.Deleted, binding.Source));
            }
        }
        foreach (string name in deleted.Order(StringComparer.Ordinal))
        {
            _router.RemoveExchange(name);
            EntityChanged?.Invoke(new EntityChange(EntityKind.Exchange, name, EntityChangeKind.Deleted));
        }
    }

    /// <summary>Called under the catalog lock once a queue or topic is deleted: its bindings go (and auto-delete exchanges left without any).</summary>
    private void RemoveBindingsTo(string entity) =>
        RemoveFromTopology([], b => b.DestinationKind != BindingDestinationKind.Exchange && string.Equals(b.Destination, entity, StringComparison.Ordinal));

    /// <summary>Writes <c>routing.json</c> durably: the durable topology as it is, with the changes given applied.</summary>
    private void SaveRouting(ExchangeDescription? extraExchange = null, BindingDescription? extraBinding = null,
        HashSet<string>? dropExchanges = null, HashSet<BindingDescription>? dropBindings = null)
    {
        bool Kept(ExchangeDescription x) => x.Durable && dropExchanges?.Contains(x.Name) != true;
        var exchanges = _router.Exchanges.Values.Select(x => x.Description).Where(Kept).ToList();
        if (extraExchange is not null)
        {
            exchanges.Add(extraExchange);
        }
        var bindings = _router.Exchanges.Values.SelectMany(x => x.Bindings)
            .Where(b => dropBindings?.Contains(b) != true && IsDurable(b)).Concat(_quarantinedBindings).ToList();
        if (extraBinding is not null)
        {
            bindings.Add(extraBinding);
        }
        var durableNames = exchanges.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        bindings.RemoveAll(b => !durableNames.Contains(b.Source) || (b.DestinationKind == BindingDestinationKind.Exchange && !durableNames.Contains(b.Destination)));
        RoutingCatalog.Save(Store, DataDirectory, new RoutingDocument
        {
            Exchanges = [.. exchanges.OrderBy(x => x.Name, StringComparer.Ordinal)],
            Bindings = bindings,
        });
        if (!_hasRouting)
        {
            // After routing.json is durable: a crash between the two leaves the flag unset, never set without the file.
            _hasRouting = true;
            SaveCatalog();
        }
    }

    private static MessagingException ExchangeNotFound(string name) =>
        new(MessagingErrorCode.EntityNotFound, $"The exchange '{name}' could not be found.");
}
