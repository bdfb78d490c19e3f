using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// Metadata (v0–12): one broker (this one, at its advertised address) leads every partition; topic ids
/// from v10 (derived from the name, <see cref="KafkaUuid.ForTopic"/>). An unknown topic is created with
/// the default partition count when auto-creation is on and the request allows it (v4+; always before).
/// </summary>
internal static class MetadataApi
{
    private sealed record Wanted(KafkaUuid Id, string? Name);

    private sealed record TopicAnswer(ErrorCode Error, string? Name, KafkaUuid Id, int Partitions);

    public static bool Handle(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        List<Wanted>? wanted = r.NullableArray(r => new Wanted(v >= 10 ? r.Uuid() : KafkaUuid.Zero, v >= 10 ? r.NullableString() : r.String()));
        bool allowCreate = v < 4 || r.Bool();
        if (v == 0 && wanted is { Count: 0 })
        {
            wanted = null; // v0: an empty list means every topic
        }
        KafkaServices services = request.Services;
        List<TopicAnswer> topics = wanted is null
            ? All(services)
            : [.. wanted.Select(t => Resolve(services, t, allowCreate && services.Options.AutoCreateTopics))];

        KafkaWriter w = request.Writer;
        int node = services.Options.NodeId;
        if (v >= 3)
        {
            w.Int32(0);
        }
        w.ArrayLength(1).Int32(node).String(request.AdvertisedHost).Int32(request.AdvertisedPort);
        if (v >= 1)
        {
            w.NullableString(null);
        }
        w.Tags();
        if (v >= 2)
        {
            w.NullableString(services.Options.ClusterId);
        }
        if (v >= 1)
        {
            w.Int32(node);
        }
        w.Array(topics, (w, t) =>
        {
            w.Int16((short)t.Error);
            w.NullableString(t.Name ?? (v >= 12 ? null : string.Empty));
            if (v >= 10)
            {
                w.Uuid(t.Id);
            }
            if (v >= 1)
            {
                w.Bool(false);
            }
            w.Array(Enumerable.Range(0, t.Partitions).ToList(), (w, p) =>
            {
                w.Int16(0).Int32(p).Int32(node);
                if (v >= 7)
                {
                    w.Int32(-1); // no leader epoch: clients skip offset validation
                }
                w.Int32Array([node]).Int32Array([node]);
                if (v >= 5)
                {
                    w.Int32Array([]);
                }
            });
            if (v >= 8)
            {
                w.Int32(int.MinValue);
            }
        });
        if (v is >= 8 and <= 10)
        {
            w.Int32(int.MinValue);
        }
        w.Tags();
        return true;
    }

    /// <summary>
    /// Every topic: those with streams, and the topics other protocols made (a Service Bus or SNS topic, a RabbitMQ
    /// exchange's topic), whose streams are made now, as naming one would; names Kafka cannot carry are left out.
    /// </summary>
    private static List<TopicAnswer> All(KafkaServices services)
    {
        var answers = services.Streams.List().Select(d => new TopicAnswer(ErrorCode.None, d.Name, KafkaUuid.ForTopic(d.Name), d.PartitionCount)).ToList();
        var listed = answers.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (Core.Entities.TopicDescription topic in services.Broker.ListTopics())
        {
            if (!listed.Contains(topic.Name) && TopicNames.IsValid(topic.Name) && Resolve(services, new Wanted(KafkaUuid.Zero, topic.Name), create: false) is { Error: ErrorCode.None } made)
            {
                answers.Add(made);
            }
        }
        return answers;
    }

    private static TopicAnswer Resolve(KafkaServices services, Wanted t, bool create)
    {
        string? name = t.Name ?? (t.Id.IsZero ? null : TopicNames.ByTopicId(services, t.Id));
        if (name is null)
        {
            return new TopicAnswer(ErrorCode.UnknownTopicId, null, t.Id, 0);
        }
        if (services.FindStream(name) is { } stream)
        {
            return new TopicAnswer(ErrorCode.None, name, KafkaUuid.ForTopic(name), stream.PartitionCount);
        }
        if (services.Streams.FindQuarantined(name) is { } quarantined)
        {
            // Its stored data is damaged until an operator recovers it: listed, so that produce and
            // fetch get KAFKA_STORAGE_ERROR (retriable, as for an offline log directory) rather than a
            // client waiting on a topic it cannot find.
            return new TopicAnswer(ErrorCode.None, name, KafkaUuid.ForTopic(name), quarantined.Definition.PartitionCount);
        }
        if (!TopicNames.IsValid(name))
        {
            return new TopicAnswer(ErrorCode.InvalidTopicException, name, KafkaUuid.Zero, 0);
        }
        // A topic another protocol made is a Kafka topic already: its stream is made on first mention.
        if (!create && !services.Broker.TopicExists(name))
        {
            return new TopicAnswer(ErrorCode.UnknownTopicOrPartition, name, KafkaUuid.Zero, 0);
        }
        ErrorCode error = TopicNames.TryCreate(services, new StreamDefinition { Name = name, PartitionCount = services.Options.DefaultPartitions }, out _);
        return error is ErrorCode.None or ErrorCode.TopicAlreadyExists && services.FindStream(name) is { } created
            ? new TopicAnswer(ErrorCode.None, name, KafkaUuid.ForTopic(name), created.PartitionCount)
            : new TopicAnswer(error, name, KafkaUuid.Zero, 0);
    }
}
