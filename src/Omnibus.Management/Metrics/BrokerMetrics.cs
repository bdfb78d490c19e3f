using Omnibus.Core;
using Omnibus.Core.Engine;
using Prometheus;

namespace Omnibus.Management.Metrics;

/// <summary>
/// Prometheus metrics of one broker, in a registry of its own (so several in-process hosts never share series).
/// Per-entity figures are read from the core when /metrics is scraped, so sending and receiving pay nothing for them.
/// </summary>
public sealed class BrokerMetrics
{
    private readonly Broker _broker;
    private readonly string _dataDirectory;
    private readonly Gauge _messages;
    private readonly Gauge _sizeBytes;
    private readonly Counter _sent, _received, _completed, _abandoned, _deadLettered, _expired;
    private readonly Counter _errors;
    private readonly Gauge _entities;
    private readonly Gauge _diskFree, _diskTotal, _storageFull, _repairs, _quarantined;
    private readonly Gauge _connections;
    private readonly Counter _connectionsTotal;
    private readonly Counter _connectionsRefused;
    private readonly Histogram _lockHeld;
    private readonly Counter _networkBytes;
    private readonly Gauge _links;
    private HashSet<string> _known = [];

    public BrokerMetrics(Broker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _broker = broker;
        _dataDirectory = broker.DataDirectory;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        MetricFactory f = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] entity = ["entity"];
        _messages = f.CreateGauge("omnibus_messages", "Messages held by a queue or subscription, by state (active, scheduled, deferred, dead_lettered).",
            new GaugeConfiguration { LabelNames = ["entity", "state"] });
        _sizeBytes = f.CreateGauge("omnibus_entity_size_bytes", "Bytes of unsettled messages of a queue, or of the log of a topic.", new GaugeConfiguration { LabelNames = entity });
        _sent = f.CreateCounter("omnibus_messages_sent_total", "Messages accepted by a queue or topic.", new CounterConfiguration { LabelNames = entity });
        _received = f.CreateCounter("omnibus_messages_received_total", "Messages handed to receivers.", new CounterConfiguration { LabelNames = entity });
        _completed = f.CreateCounter("omnibus_messages_completed_total", "Messages completed.", new CounterConfiguration { LabelNames = entity });
        _abandoned = f.CreateCounter("omnibus_messages_abandoned_total", "Messages abandoned.", new CounterConfiguration { LabelNames = entity });
        _deadLettered = f.CreateCounter("omnibus_messages_dead_lettered_total", "Messages moved to the dead-letter queue.", new CounterConfiguration { LabelNames = entity });
        _expired = f.CreateCounter("omnibus_messages_expired_total", "Messages that expired (TTL).", new CounterConfiguration { LabelNames = entity });
        _errors = f.CreateCounter("omnibus_errors_total", "Errors answered to clients, by kind: a MessagingErrorCode name or HTTP kind on the HTTP surfaces, an AMQP condition (e.g. amqp:decode-error) on the AMQP listener.", new CounterConfiguration { LabelNames = ["kind"] });
        _entities = f.CreateGauge("omnibus_entities", "Entities by kind.", new GaugeConfiguration { LabelNames = ["kind"] });
        _diskFree = f.CreateGauge("omnibus_data_disk_free_bytes", "Free bytes on the volume holding the data directory.");
        _diskTotal = f.CreateGauge("omnibus_data_disk_total_bytes", "Size of the volume holding the data directory.");
        _storageFull = f.CreateGauge("omnibus_storage_full", "1 while new messages are refused because the data directory's volume is below the free-space floor (or a write found it full), else 0.");
        _repairs = f.CreateGauge("omnibus_storage_repairs_at_open", "Logs the broker had to repair when it opened its data directory (torn tails cut, headers rewritten, indexes rebuilt; each is logged as event 402).");
        _quarantined = f.CreateGauge("omnibus_entities_quarantined", "Queues, topics and streams whose stored data is damaged: they refuse traffic while the rest of the broker serves (log event 403) until recovered.");
        _connections = f.CreateGauge("omnibus_connections", "Open client connections, by listener (amqp, http).", new GaugeConfiguration { LabelNames = ["listener"] });
        _connectionsTotal = f.CreateCounter("omnibus_connections_total", "Client connections accepted, by listener.", new CounterConfiguration { LabelNames = ["listener"] });
        _connectionsRefused = f.CreateCounter("omnibus_connections_refused_total", "Client connections refused or closed by the transport's gate, by listener and reason (TotalCap, AddressCap, UnauthenticatedCap, AuthenticationTimeout).",
            new CounterConfiguration { LabelNames = ["listener", "reason"] });
        _lockHeld = f.CreateHistogram("omnibus_lock_held_seconds", "How long messages stayed locked (processing time) before they were settled or their lock expired.",
            new HistogramConfiguration { LabelNames = entity, Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        broker.LockReleased += (path, held) => _lockHeld.WithLabels(path).Observe(held.TotalSeconds);
        _links = f.CreateGauge("omnibus_links", "Attached links, by listener.", new GaugeConfiguration { LabelNames = ["listener"] });
        _networkBytes = f.CreateCounter("omnibus_network_bytes_total", "Bytes received from and sent to clients, by listener and direction.",
            new CounterConfiguration { LabelNames = ["listener", "direction"] });
        Registry.AddBeforeCollectCallback(Refresh);
        _ = new StreamMetrics(broker, f, Registry);
        // One collection now, at start: it loads the assemblies a scrape needs. Loaded lazily, at the first scrape,
        // they could fail to load while the process is short of file descriptors (a socket flood up to the
        // connection cap), and a failed assembly load stays failed for the life of the process.
        Registry.CollectAndExportAsTextAsync(Stream.Null).GetAwaiter().GetResult();
    }

    /// <summary>The registry /metrics serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Counts a failed request by kind (a <see cref="MessagingErrorCode"/> name, Unauthorized, BadRequest).</summary>
    public void CountError(string kind) => _errors.WithLabels(kind).Inc();

    /// <summary>Attached links of a listener went up or down by <paramref name="delta"/>.</summary>
    public void LinksChanged(string listener, int delta) => _links.WithLabels(listener).Inc(delta);

    /// <summary>Counters of the bytes one listener's connections receive and send.</summary>
    public (Action<long> Received, Action<long> Sent) NetworkBytes(string listener)
    {
        Counter.Child received = _networkBytes.WithLabels(listener, "received");
        Counter.Child sent = _networkBytes.WithLabels(listener, "sent");
        return (n => received.Inc(n), n => sent.Inc(n));
    }

    /// <summary>Counts a connection the transport refused (a cap) or closed (no authentication in time).</summary>
    public void CountRefusedConnection(string listener, string reason) => _connectionsRefused.WithLabels(listener, reason).Inc();

    /// <summary>Counts a connection as open until the returned handle is disposed.</summary>
    public IDisposable TrackConnection(string listener)
    {
        _connectionsTotal.WithLabels(listener).Inc();
        Gauge.Child open = _connections.WithLabels(listener);
        open.Inc();
        return new OpenConnection(open);
    }

    private sealed class OpenConnection(Gauge.Child open) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                open.Dec();
            }
        }
    }

    private void Refresh()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int queues = 0, topics = 0, subscriptions = 0;
        try
        {
            foreach (EntitySnapshot e in EntitySnapshot.All(_broker))
            {
                seen.Add(e.Path);
                _ = e.Kind switch { "queue" => queues++, "topic" => topics++, _ => subscriptions++ };
                Publish(e);
            }
        }
        catch (ObjectDisposedException)
        {
            return; // shutting down: the last scrape keeps its figures
        }
        foreach (string gone in _known.Except(seen))
        {
            Forget(gone);
        }
        _known = seen;
        _entities.WithLabels("queue").Set(queues);
        _entities.WithLabels("topic").Set(topics);
        _entities.WithLabels("subscription").Set(subscriptions);
        _storageFull.Set(_broker.Space.IsFull ? 1 : 0);
        _repairs.Set(_broker.RepairsAtOpen.Count);
        _quarantined.Set(_broker.Quarantined.Count);
        try
        {
            var drive = new DriveInfo(_dataDirectory);
            _diskFree.Set(drive.AvailableFreeSpace);
            _diskTotal.Set(drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // No volume figures on this platform; the other series still publish.
        }
    }

    private void Publish(EntitySnapshot e)
    {
        if (e.Kind != "topic")
        {
            _messages.WithLabels(e.Path, "active").Set(e.Active);
            _messages.WithLabels(e.Path, "scheduled").Set(e.Scheduled);
            _messages.WithLabels(e.Path, "deferred").Set(e.Deferred);
            _messages.WithLabels(e.Path, "dead_lettered").Set(e.DeadLettered);
            _received.WithLabels(e.Path).IncTo(e.Totals.Received);
            _completed.WithLabels(e.Path).IncTo(e.Totals.Completed);
            _abandoned.WithLabels(e.Path).IncTo(e.Totals.Abandoned);
            _deadLettered.WithLabels(e.Path).IncTo(e.Totals.DeadLettered);
            _expired.WithLabels(e.Path).IncTo(e.Totals.Expired);
        }
        if (e.Kind != "subscription")
        {
            _sent.WithLabels(e.Path).IncTo(e.Totals.Sent);
        }
        _sizeBytes.WithLabels(e.Path).Set(e.SizeInBytes);
    }

    private void Forget(string path)
    {
        foreach (string state in (string[])["active", "scheduled", "deferred", "dead_lettered"])
        {
            _messages.RemoveLabelled(path, state);
        }
        foreach (Collector<Counter.Child> c in new[] { _sent, _received, _completed, _abandoned, _deadLettered, _expired })
        {
            c.RemoveLabelled(path);
        }
        _sizeBytes.RemoveLabelled(path);
    }
}
