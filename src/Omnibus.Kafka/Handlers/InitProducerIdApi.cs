using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// InitProducerId (v0–4) for idempotent producers: a new producer id at epoch 0, or (v3+, an id and
/// epoch given) the same id at the next epoch. Transactional ids are refused: transactions are not served.
/// </summary>
internal static class InitProducerIdApi
{
    public static bool Handle(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string? transactionalId = r.NullableString();
        r.Int32();
        long producerId = v >= 3 ? r.Int64() : -1;
        short epoch = v >= 3 ? r.Int16() : (short)-1;
        ErrorCode error = ErrorCode.None;
        if (transactionalId is not null)
        {
            error = ErrorCode.TransactionalIdNotFound;
            (producerId, epoch) = (-1, -1);
        }
        else if (producerId >= 0 && epoch >= 0 && epoch < short.MaxValue)
        {
            epoch++;
        }
        else
        {
            (producerId, epoch) = (request.Services.Producers.NewProducerId(), 0);
        }
        request.Writer.Int32(0).Int16((short)error).Int64(producerId).Int16(epoch).Tags();
        return true;
    }
}
