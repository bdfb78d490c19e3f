using System.Globalization;
using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// DescribeConfigs (v0–4), AlterConfigs (v0–2) and IncrementalAlterConfigs (v0–1) for topics
/// (<see cref="TopicConfigs"/>) and this broker, whose settings are reported read-only
/// (<see cref="BrokerConfigs"/>). A resource's changes are checked whole before any is applied.
/// </summary>
internal static class ConfigApis
{
    public const sbyte TopicResource = 2;
    public const sbyte BrokerResource = 4;

    private sealed record Described(string Name, string? Value, bool ReadOnly, ConfigSource Source, ConfigType Type, string? SynonymName, string? DefaultValue);

    private sealed record ResourceAnswer(sbyte Type, string Name, ErrorCode Error, string? Message);

    private enum Operation : sbyte
    {
        Set = 0,
        Delete = 1,
        Append = 2,
        Subtract = 3,
    }

    public static bool Describe(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        var asks = r.Array(r => (Type: r.Int8(), Name: r.String(), Keys: r.NullableStringArray()));
        bool synonyms = v >= 1 && r.Bool();
        if (v >= 3)
        {
            r.Bool(); // documentation: none is sent
        }
        KafkaServices services = request.Services;
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(asks, (w, a) =>
        {
            (ErrorCode error, string? message, List<Described> configs) = DescribeOne(services, a.Type, a.Name);
            if (a.Keys is { } keys)
            {
                configs = [.. configs.Where(c => keys.Contains(c.Name, StringComparer.Ordinal))];
            }
            w.Int16((short)error).NullableString(message).Int8(a.Type).String(a.Name);
            w.Array(configs, (w, c) =>
            {
                w.String(c.Name).NullableString(c.Value).Bool(c.ReadOnly);
                if (v == 0)
                {
                    w.Bool(c.Source == ConfigSource.DefaultConfig);
                }
                else
                {
                    w.Int8((sbyte)c.Source);
                }
                w.Bool(false);
                if (v >= 1)
                {
                    List<(string Name, string? Value, ConfigSource Source)> list = !synonyms ? [] : c.Source switch
                    {
                        ConfigSource.TopicConfig => [(c.Name, c.Value, c.Source), (c.SynonymName ?? c.Name, c.DefaultValue, ConfigSource.DefaultConfig)],
                        _ => [(c.SynonymName ?? c.Name, c.Value, c.Source)],
                    };
                    w.Array(list, (w, s) => w.String(s.Name).NullableString(s.Value).Int8((sbyte)s.Source));
                }
                if (v >= 3)
                {
                    w.Int8((sbyte)c.Type).NullableString(null);
                }
            });
        });
        w.Tags();
        return true;
    }

    private static (ErrorCode, string?, List<Described>) DescribeOne(KafkaServices services, sbyte type, string name)
    {
        switch (type)
        {
            case TopicResource:
                if (services.FindStream(name) is not { } stream)
                {
                    return (ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.", []);
                }
                IReadOnlyDictionary<string, string> settings = stream.Definition.Settings ?? new Dictionary<string, string>();
                return (ErrorCode.None, null, [.. TopicConfigs.All.Select(c =>
                {
                    string defaultValue = c.Default(services);
                    return settings.TryGetValue(c.Name, out string? set)
                        ? new Described(c.Name, set, false, ConfigSource.TopicConfig, c.Type, c.BrokerSynonym, defaultValue)
                        : new Described(c.Name, defaultValue, false, ConfigSource.DefaultConfig, c.Type, c.BrokerSynonym, defaultValue);
                })]);
            case BrokerResource when IsThisBroker(services, name):
                return (ErrorCode.None, null, [.. BrokerConfigs.Of(services).Select(b => new Described(b.Name, b.Value, true, ConfigSource.StaticBrokerConfig, b.Type, null, null))]);
            case BrokerResource:
                return (ErrorCode.InvalidRequest, $"This broker is node {services.Options.NodeId}.", []);
            default:
                return (ErrorCode.InvalidRequest, $"Resource type {type} is not described by this broker.", []);
        }
    }

    private static bool IsThisBroker(KafkaServices services, string name) =>
        name.Length == 0 || name == services.Options.NodeId.ToString(CultureInfo.InvariantCulture);

    public static bool Alter(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        var asks = r.Array(r => (Type: r.Int8(), Name: r.String(), Configs: r.Array(r => (Name: r.String(), Value: r.NullableString()))));
        bool validateOnly = r.Bool();
        var answers = asks.Select(a => Change(request.Services, a.Type, a.Name, validateOnly, _ =>
        {
            // AlterConfigs replaces the whole set: what is not named returns to its default.
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string name, string? value) in a.Configs)
            {
                if (value is not null)
                {
                    settings[name] = value;
                }
            }
            return (settings, null);
        })).ToList();
        Write(request, answers);
        return true;
    }

    public static bool IncrementalAlter(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        var asks = r.Array(r => (Type: r.Int8(), Name: r.String(), Configs: r.Array(r => (Name: r.String(), Op: (Operation)r.Int8(), Value: r.NullableString()))));
        bool validateOnly = r.Bool();
        KafkaServices services = request.Services;
        var answers = asks.Select(a => Change(services, a.Type, a.Name, validateOnly, current =>
        {
            var settings = new Dictionary<string, string>(current, StringComparer.Ordinal);
            foreach ((string name, Operation op, string? value) in a.Configs)
            {
                TopicConfig? config = TopicConfigs.Find(name);
                if (config is null)
                {
                    return (settings, $"Unknown topic config name: {name}.");
                }
                switch (op)
                {
                    case Operation.Set when value is not null:
                        settings[name] = value;
                        break;
                    case Operation.Delete:
                        settings.Remove(name);
                        break;
                    case Operation.Append or Operation.Subtract when config.Type == ConfigType.List && value is not null:
                        List<string> items = TopicConfigs.Items(settings.GetValueOrDefault(name) ?? config.Default(services));
                        List<string> changes = TopicConfigs.Items(value);
                        items = op == Operation.Append ? [.. items, .. changes.Where(c => !items.Contains(c))] : [.. items.Where(i => !changes.Contains(i))];
                        settings[name] = string.Join(',', items);
                        break;
                    default:
                        return (settings, $"Operation {(sbyte)op} with that value cannot change {name}.");
                }
            }
            return (settings, null);
        })).ToList();
        Write(request, answers);
        return true;
    }

    private static ResourceAnswer Change(KafkaServices services, sbyte type, string name, bool validateOnly, Func<IReadOnlyDictionary<string, string>, (Dictionary<string, string> Settings, string? Error)> change)
    {
        if (type == BrokerResource)
        {
            return new ResourceAnswer(type, name, ErrorCode.InvalidConfig, "This broker's configs are read-only: they come from its settings at start.");
        }
        if (type != TopicResource)
        {
            return new ResourceAnswer(type, name, ErrorCode.InvalidRequest, $"Resource type {type} has no configs here.");
        }
        if (services.FindStream(name) is not { } stream)
        {
            return new ResourceAnswer(type, name, ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.");
        }
        StreamDefinition current = stream.Definition;
        (Dictionary<string, string> settings, string? error) = change(current.Settings ?? new Dictionary<string, string>());
        // The core cannot change a stream's segment size: left out, it stays as it was made.
        if (!settings.ContainsKey("segment.bytes") && current.Settings?.GetValueOrDefault("segment.bytes") is { } segment)
        {
            settings["segment.bytes"] = segment;
        }
        error ??= settings.Select(s => TopicConfigs.Check(s.Key, s.Value)).FirstOrDefault(e => e is not null);
        long brokerSegment = services.Streams.Options.SegmentSize;
        if (error is null && (TopicConfigs.SegmentBytes(settings) ?? brokerSegment) != (current.SegmentBytes ?? brokerSegment))
        {
            error = "segment.bytes is fixed when the topic is created.";
        }
        if (error is not null)
        {
            return new ResourceAnswer(type, name, ErrorCode.InvalidConfig, error);
        }
        if (validateOnly)
        {
            return new ResourceAnswer(type, name, ErrorCode.None, null);
        }
        try
        {
            services.Streams.Update(TopicConfigs.Apply(current, settings));
            return new ResourceAnswer(type, name, ErrorCode.None, null);
        }
        catch (MessagingException e)
        {
            return new ResourceAnswer(type, name, e.Code == MessagingErrorCode.InvalidArgument ? ErrorCode.InvalidConfig : ErrorMapping.ToKafka(e.Code), e.Message);
        }
    }

    private static void Write(KafkaRequest request, List<ResourceAnswer> answers)
    {
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(answers, (w, a) => w.Int16((short)a.Error).NullableString(a.Message).Int8(a.Type).String(a.Name));
        w.Tags();
    }
}
