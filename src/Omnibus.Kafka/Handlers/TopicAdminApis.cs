using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// CreateTopics (v0–7), DeleteTopics (v0–6) and CreatePartitions (v0–3) on the core's streams. Topic
/// configs are checked and kept with the stream (<see cref="TopicConfigs"/>); an unknown name or a bad
/// value is INVALID_CONFIG. The replication factor is accepted whatever it is: there is one copy.
/// </summary>
internal static class TopicAdminApis
{
    private sealed record CreateAsk(string Name, int Partitions, int Assignments, List<(string Name, string? Value)> Configs);

    private sealed record CreateAnswer(string Name, ErrorCode Error, string? Message, int Partitions);

    public static bool CreateTopics(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        List<CreateAsk> asks = r.Array(r =>
        {
            string name = r.String();
            int partitions = r.Int32();
            r.Int16();
            int assignments = r.Array(r => (r.Int32(), r.Int32Array())).Count;
            return new CreateAsk(name, partitions, assignments, r.Array(r => (r.String(), r.NullableString())));
        });
        r.Int32();
        bool validateOnly = v >= 1 && r.Bool();
        KafkaServices services = request.Services;
        var answers = asks.Select(a => Create(services, a, validateOnly)).ToList();
        KafkaWriter w = request.Writer;
        if (v >= 2)
        {
            w.Int32(0);
        }
        w.Array(answers, (w, a) =>
        {
            w.String(a.Name);
            if (v >= 7)
            {
                w.Uuid(a.Error == ErrorCode.None ? KafkaUuid.ForTopic(a.Name) : KafkaUuid.Zero);
            }
            w.Int16((short)a.Error);
            if (v >= 1)
            {
                w.NullableString(a.Message);
            }
            if (v >= 5)
            {
                w.Int32(a.Error == ErrorCode.None ? a.Partitions : -1).Int16((short)(a.Error == ErrorCode.None ? 1 : -1));
                w.ArrayLength(0);
            }
        });
        w.Tags();
        return true;
    }

    private static CreateAnswer Create(KafkaServices services, CreateAsk ask, bool validateOnly)
    {
        if (!TopicNames.IsValid(ask.Name))
        {
            return new CreateAnswer(ask.Name, ErrorCode.InvalidTopicException, $"'{ask.Name}' is not a valid topic name.", -1);
        }
        int partitions = ask.Assignments > 0 ? ask.Assignments : ask.Partitions == -1 ? services.Options.DefaultPartitions : ask.Partitions;
        if (partitions is < 1 or > StreamDefinition.MaxPartitions)
        {
            return new CreateAnswer(ask.Name, ErrorCode.InvalidPartitions, $"{ask.Partitions} partitions: from 1 to {StreamDefinition.MaxPartitions}.", -1);
        }
        StreamDefinition definition;
        try
        {
            definition = ApplyConfigs(new StreamDefinition { Name = ask.Name, PartitionCount = partitions }, ask.Configs);
        }
        catch (FormatException e)
        {
            return new CreateAnswer(ask.Name, ErrorCode.InvalidConfig, e.Message, -1);
        }
        if (services.FindStream(ask.Name) is not null)
        {
            return new CreateAnswer(ask.Name, ErrorCode.TopicAlreadyExists, $"Topic '{ask.Name}' already exists.", -1);
        }
        if (validateOnly)
        {
            return new CreateAnswer(ask.Name, ErrorCode.None, null, partitions);
        }
        ErrorCode error = TopicNames.TryCreate(services, definition, out string? message);
        return new CreateAnswer(ask.Name, error, message, partitions);
    }

    private static StreamDefinition ApplyConfigs(StreamDefinition d, List<(string Name, string? Value)> configs)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string? value) in configs)
        {
            if (value is not null)
            {
                settings[name] = TopicConfigs.Check(name, value) is { } why ? throw new FormatException(why) : value;
            }
        }
        return TopicConfigs.Apply(d, settings) with { SegmentBytes = TopicConfigs.SegmentBytes(settings) };
    }

    public static async Task<bool> DeleteTopicsAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        KafkaServices services = request.Services;
        List<(string? Name, KafkaUuid Id)> asks = v >= 6
            ? r.Array(r => (r.NullableString(), r.Uuid()))
            : [.. (r.NullableStringArray() ?? []).Select(n => ((string?)n, KafkaUuid.Zero))];
        var answers = new List<(string? Name, KafkaUuid Id, ErrorCode Error, string? Message)>();
        foreach ((string? asked, KafkaUuid id) in asks)
        {
            string? name = asked ?? (id.IsZero ? null : TopicNames.ByTopicId(services, id));
            if (name is null)
            {
                answers.Add((null, id, ErrorCode.UnknownTopicId, "No topic has that id."));
                continue;
            }
            try
            {
                await services.Broker.DeleteTopicStreamAsync(name).ConfigureAwait(false);
                services.Producers.ForgetTopic(name);
                answers.Add((name, KafkaUuid.ForTopic(name), ErrorCode.None, null));
            }
            catch (MessagingException e)
            {
                answers.Add((name, id, e.Code == MessagingErrorCode.EntityNotFound ? ErrorCode.UnknownTopicOrPartition : ErrorMapping.ToKafka(e.Code), e.Message));
            }
        }
        KafkaWriter w = request.Writer;
        if (v >= 1)
        {
            w.Int32(0);
        }
        w.Array(answers, (w, a) =>
        {
            w.NullableString(v >= 6 ? a.Name : a.Name ?? string.Empty);
            if (v >= 6)
            {
                w.Uuid(a.Id);
            }
            w.Int16((short)a.Error);
            if (v >= 5)
            {
                w.NullableString(a.Message);
            }
        });
        w.Tags();
        return true;
    }

    public static bool CreatePartitions(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        var asks = r.Array(r => (Name: r.String(), Count: r.Int32(), Assignments: r.NullableArray(r => r.Int32Array())));
        r.Int32();
        bool validateOnly = r.Bool();
        KafkaServices services = request.Services;
        var answers = asks.Select(a =>
        {
            MessageStream? stream = services.FindStream(a.Name);
            if (stream is null)
            {
                return (a.Name, ErrorCode.UnknownTopicOrPartition, (string?)$"Topic '{a.Name}' does not exist.");
            }
            if (a.Count <= stream.PartitionCount || a.Count > StreamDefinition.MaxPartitions)
            {
                return (a.Name, ErrorCode.InvalidPartitions, $"Topic '{a.Name}' has {stream.PartitionCount} partitions; ask for more, at most {StreamDefinition.MaxPartitions}.");
            }
            if (validateOnly)
            {
                return (a.Name, ErrorCode.None, null);
            }
            try
            {
                services.Streams.AddPartitions(a.Name, a.Count);
                return (a.Name, ErrorCode.None, null);
            }
            catch (MessagingException e)
            {
                return (a.Name, ErrorCode.InvalidPartitions, e.Message);
            }
        }).ToList();
        KafkaWriter w = request.Writer;
        w.Int32(0);
        w.Array(answers, (w, a) => w.String(a.Item1).Int16((short)a.Item2).NullableString(a.Item3));
        w.Tags();
        return true;
    }
}
