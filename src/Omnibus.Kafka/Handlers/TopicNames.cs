using System.Collections.Concurrent;
using Omnibus.Core;
using Omnibus.Core.Streams;
using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>A Kafka topic is the core's topic of that name, read through its stream; this finds, creates and names them.</summary>
internal static class TopicNames
{
    // Ids are derived from names, so an id once matched names that topic for good (Fetch v13+ asks every poll).
    private static readonly ConcurrentDictionary<KafkaUuid, string> s_names = new();

    /// <summary>The stream whose derived topic id this is, or null.</summary>
    public static string? ByTopicId(KafkaServices services, KafkaUuid id)
    {
        if (s_names.TryGetValue(id, out string? known))
        {
            return services.FindStream(known) is null ? null : known;
        }
        string? name = services.Streams.List().FirstOrDefault(d => KafkaUuid.ForTopic(d.Name) == id)?.Name;
        if (name is not null)
        {
            s_names[id] = name;
        }
        return name;
    }

    /// <summary>Creates a topic; the error Kafka gives when that is not possible.</summary>
    public static ErrorCode TryCreate(KafkaServices services, StreamDefinition definition, out string? message)
    {
        message = null;
        try
        {
            services.Broker.CreateTopicStream(definition);
            return ErrorCode.None;
        }
        catch (MessagingException e)
        {
            message = e.Message;
            return e.Code switch
            {
                MessagingErrorCode.EntityAlreadyExists => ErrorCode.TopicAlreadyExists,
                MessagingErrorCode.InvalidArgument => ErrorCode.InvalidTopicException,
                _ => ErrorCode.UnknownServerError,
            };
        }
    }

    /// <summary>Kafka's rule: 1 to 249 of letters, digits, '.', '_' and '-', not "." or "..".</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 249 && name != "." && name != ".." && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
