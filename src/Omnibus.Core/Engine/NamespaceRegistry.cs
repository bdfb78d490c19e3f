using System.Text.Json;
using Omnibus.Storage.Io;

namespace Omnibus.Core.Engine;

/// <summary>
/// The namespaces of one data directory: a Service Bus namespace, a RabbitMQ vhost, an AWS account
/// and a Kafka cluster each map to one. The default namespace is the data directory itself (what a
/// single <see cref="Broker"/> has always used) and is reached by every protocol; further namespaces
/// live under <c>namespaces/&lt;directory&gt;/</c>, listed in <c>namespaces.json</c>. Names are
/// case-sensitive. Each namespace is a <see cref="Broker"/> of its own (entities, logs, transactions).
/// </summary>
public sealed class NamespaceRegistry : IAsyncDisposable, IDisposable
{
    /// <summary>The name of the namespace every protocol reaches by default.</summary>
    public const string DefaultName = "default";

    private const string ListFile = "namespaces.json";
    private const int MaxNameLength = 255;

    private readonly BrokerOptions _options;
    private readonly string _root;
    private readonly Dictionary<string, (Broker Broker, string Directory)> _others = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private bool _disposed;

    private NamespaceRegistry(BrokerOptions options)
    {
        _options = options;
        _root = Path.GetFullPath(options.DataDirectory);
        Default = Broker.Open(options);
        try
        {
            foreach (NamespaceEntry entry in Load())
            {
                _others[entry.Name] = (Broker.Open(OptionsFor(entry.Directory)), entry.Directory);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The default namespace.</summary>
    public Broker Default { get; }

    /// <summary>Raised after a namespace was created or deleted (and the list is durable), with its name.</summary>
    public event Action<string, EntityChangeKind>? NamespaceChanged;

    /// <summary>Opens every namespace of <see cref="BrokerOptions.DataDirectory"/>; the options apply to all of them.</summary>
    public static NamespaceRegistry Open(BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new NamespaceRegistry(options);
    }

    /// <summary>The names of every namespace, the default first.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return [DefaultName, .. _others.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>A namespace by name; <see cref="MessagingErrorCode.EntityNotFound"/> when there is none.</summary>
    public Broker Get(string name) =>
        TryGet(name, out Broker? broker) ? broker : throw new MessagingException(MessagingErrorCode.EntityNotFound, $"The namespace '{name}' does not exist.");

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Broker? broker)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == DefaultName)
        {
            broker = Default;
            return true;
        }
        lock (_gate)
        {
            bool found = _others.TryGetValue(name, out (Broker Broker, string Directory) entry);
            broker = found ? entry.Broker : null;
            return found;
        }
    }

    /// <summary>Creates a namespace; <see cref="MessagingErrorCode.EntityAlreadyExists"/> when the name is taken, <see cref="MessagingErrorCode.InvalidArgument"/> for a bad name.</summary>
    public Broker Create(string name)
    {
        Validate(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (name == DefaultName || _others.ContainsKey(name))
            {
                throw new MessagingException(MessagingErrorCode.EntityAlreadyExists, $"The namespace '{name}' already exists.");
            }
            string directory = EntityNames.CaseDistinctDirectoryName(name);
            Broker broker = Broker.Open(OptionsFor(directory));
            _others[name] = (broker, directory);
            try
            {
                Save();
            }
            catch
            {
                _others.Remove(name);
                broker.Dispose();
                throw;
            }
            NamespaceChanged?.Invoke(name, EntityChangeKind.Created);
            return broker;
        }
    }

    /// <summary>Deletes a namespace and everything in it; the default namespace cannot be deleted.</summary>
    public void Delete(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == DefaultName)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, "The default namespace cannot be deleted.");
        }
        (Broker Broker, string Directory) entry;
        lock (_gate)
        {
            if (!_others.Remove(name, out entry))
            {
                throw new MessagingException(MessagingErrorCode.EntityNotFound, $"The namespace '{name}' does not exist.");
            }
            Save();
        }
        entry.Broker.Dispose();
        _options.Store.DeleteDirectory(Path.Combine(_root, "namespaces", entry.Directory));
        NamespaceChanged?.Invoke(name, EntityChangeKind.Deleted);
    }

    private static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"A namespace name must be 1 to {MaxNameLength} characters without control characters.");
        }
    }

    private BrokerOptions OptionsFor(string directory) => _options with { DataDirectory = Path.Combine(_root, "namespaces", directory) };

    private List<NamespaceEntry> Load()
    {
        string path = Path.Combine(_root, ListFile);
        if (_options.Store.ReadDocument(path) is not { } bytes)
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<List<NamespaceEntry>>(bytes) ?? [];
        }
        catch (JsonException e)
        {
            throw new Storage.StorageFormatException($"'{path}' cannot be read: {e.Message}. Nothing was changed.", e) { FilePath = path };
        }
    }

    private void Save()
    {
        _options.Store.WriteDocument(Path.Combine(_root, ListFile), JsonSerializer.SerializeToUtf8Bytes(_others.Select(o => new NamespaceEntry(o.Key, o.Value.Directory)).ToList()));
    }

    public void Dispose()
    {
        List<Broker> brokers;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            brokers = [.. _others.Values.Select(o => o.Broker)];
            _others.Clear();
        }
        foreach (Broker broker in brokers)
        {
            broker.Dispose();
        }
        Default.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record NamespaceEntry(string Name, string Directory);
}
