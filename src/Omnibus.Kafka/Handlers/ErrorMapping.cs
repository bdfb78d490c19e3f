using Omnibus.Core;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>The core's neutral errors as Kafka's codes.</summary>
internal static class ErrorMapping
{
    public static ErrorCode ToKafka(MessagingErrorCode code) => code switch
    {
        MessagingErrorCode.EntityNotFound => ErrorCode.UnknownTopicOrPartition,
        MessagingErrorCode.OffsetOutOfRange => ErrorCode.OffsetOutOfRange,
        MessagingErrorCode.MessageTooLarge => ErrorCode.MessageTooLarge,
        MessagingErrorCode.QuotaExceeded or MessagingErrorCode.StorageFull => ErrorCode.KafkaStorageError,
        // A quarantined stream: its partition's data is damaged, as Kafka reports an offline log directory.
        MessagingErrorCode.EntityDisabled => ErrorCode.KafkaStorageError,
        MessagingErrorCode.InvalidArgument => ErrorCode.InvalidRecord,
        MessagingErrorCode.Timeout => ErrorCode.RequestTimedOut,
        _ => ErrorCode.UnknownServerError,
    };
}
