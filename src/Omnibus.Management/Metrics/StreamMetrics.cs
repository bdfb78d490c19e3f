using Omnibus.Core.Engine;
using Omnibus.Core.Streams;
using Prometheus;

namespace Omnibus.Management.Metrics;

/// <summary>
/// The stream cursors' figures, read at each scrape: every partition's start and end offsets, and each consumer
/// group's committed offset and lag (end offset minus committed, what Kafka's consumer-lag exporters show). Series
/// of a deleted stream or group are removed.
/// </summary>
internal sealed class StreamMetrics
{
    private readonly Broker _broker;
    private readonly Gauge _start, _end, _committed, _lag;
    private HashSet<(string Stream, string Partition)> _partitions = [];
    private HashSet<(string Group, string Stream, string Partition)> _groups = [];

    public StreamMetrics(Broker broker, MetricFactory f, CollectorRegistry registry)
    {
        _broker = broker;
        _start = f.CreateGauge("omnibus_stream_start_offset", "First offset still held by a stream partition (Kafka's log start offset).", new GaugeConfiguration { LabelNames = ["stream", "partition"] });
        _end = f.CreateGauge("omnibus_stream_end_offset", "Next offset a stream partition will write (Kafka's high watermark).", new GaugeConfiguration { LabelNames = ["stream", "partition"] });
        _committed = f.CreateGauge("omnibus_consumer_group_committed_offset", "Offset a consumer group committed for a stream partition.", new GaugeConfiguration { LabelNames = ["group", "stream", "partition"] });
        _lag = f.CreateGauge("omnibus_consumer_group_lag", "Records of a stream partition after a consumer group's committed offset (end offset minus committed).", new GaugeConfiguration { LabelNames = ["group", "stream", "partition"] });
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        var partitions = new HashSet<(string, string)>();
        var groups = new HashSet<(string, string, string)>();
        var ends = new Dictionary<(string, int), long>();
        try
        {
            StreamRegistry streams = _broker.Streams;
            foreach (StreamDefinition definition in streams.List())
            {
                if (streams.Find(definition.Name) is not { } stream)
                {
                    continue;
                }
                for (int p = 0; p < stream.PartitionCount; p++)
                {
                    string partition = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    long end = stream.HighWatermark(p);
                    ends[(definition.Name, p)] = end;
                    _start.WithLabels(definition.Name, partition).Set(stream.EarliestOffset(p));
                    _end.WithLabels(definition.Name, partition).Set(end);
                    partitions.Add((definition.Name, partition));
                }
            }
            foreach (string group in streams.ListGroups())
            {
                foreach (KeyValuePair<(string Stream, int Partition), CommittedOffset> c in streams.FetchOffsets(group))
                {
                    if (!ends.TryGetValue((c.Key.Stream, c.Key.Partition), out long end))
                    {
                        continue;
                    }
                    string partition = c.Key.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    _committed.WithLabels(group, c.Key.Stream, partition).Set(c.Value.Offset);
                    _lag.WithLabels(group, c.Key.Stream, partition).Set(Math.Max(0, end - c.Value.Offset));
                    groups.Add((group, c.Key.Stream, partition));
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return; // shutting down: the last scrape keeps its figures
        }
        foreach ((string stream, string partition) in _partitions.Except(partitions))
        {
            _start.RemoveLabelled(stream, partition);
            _end.RemoveLabelled(stream, partition);
        }
        foreach ((string group, string stream, string partition) in _groups.Except(groups))
        {
            _committed.RemoveLabelled(group, stream, partition);
            _lag.RemoveLabelled(group, stream, partition);
        }
        (_partitions, _groups) = (partitions, groups);
    }
}
