using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// InitProducerId (v0–4). Without a transactional id (idempotent producers): a new producer id at
/// epoch 0, or (v3+, an id and epoch given) the same id at the next epoch. With one: the
/// <see cref="Transactions.TransactionCoordinator"/> answers the id's producer id at its next epoch,
/// fencing the older one; a stale id and epoch given is PRODUCER_FENCED (v4+) or INVALID_PRODUCER_EPOCH.
/// </summary>
internal static class InitProducerIdApi
{
    public static async Task<bool> HandleAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string? transactionalId = r.NullableString();
        int timeoutMs = r.Int32();
        long producerId = v >= 3 ? r.Int64() : -1;
        short epoch = v >= 3 ? r.Int16() : (short)-1;
        ErrorCode error = ErrorCode.None;
        if (transactionalId is not null)
        {
            (error, producerId, epoch) = await request.Services.Transactions.InitAsync(transactionalId, timeoutMs, producerId, epoch, fencedCode: v >= 4).ConfigureAwait(false);
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
