using System.Collections.Concurrent;
using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// Transactions declared on a connection's coordinator. Work done inside a transaction (a
/// send, a settlement) is recorded, not applied; discharge with fail=false applies it in the
/// order it was enlisted, fail=true (or the connection closing) drops it. So a rolled-back
/// transaction leaves no trace, and a committed one applies everything unless a step fails
/// (e.g. a lock expired meanwhile): then the remaining steps are dropped and discharge is
/// rejected with amqp:transaction:rollback. Not atomic across a crash in the middle of a commit.
/// </summary>
internal sealed class ConnectionTransactions
{
    private readonly ConcurrentDictionary<long, List<Func<Task>>> _open = new();
    private long _nextId;

    public ReadOnlyMemory<byte> Declare()
    {
        long id = Interlocked.Increment(ref _nextId);
        _open[id] = [];
        return BitConverter.GetBytes(id);
    }

    public void Enlist(ReadOnlyMemory<byte> txnId, Func<Task> work)
    {
        if (!_open.TryGetValue(Id(txnId), out List<Func<Task>>? list))
        {
            throw AmqpProtocolException.Link(ErrorConditions.UnknownTransaction, "Unknown transaction.");
        }
        lock (list)
        {
            list.Add(work);
        }
    }

    public async Task DischargeAsync(ReadOnlyMemory<byte> txnId, bool fail)
    {
        if (!_open.TryRemove(Id(txnId), out List<Func<Task>>? list))
        {
            throw new Core.MessagingException(Core.MessagingErrorCode.InvalidOperation, "Unknown transaction.");
        }
        if (fail)
        {
            return;
        }
        Func<Task>[] steps;
        lock (list)
        {
            steps = [.. list];
        }
        foreach (Func<Task> step in steps)
        {
            await step().ConfigureAwait(false);
        }
    }

    public void Clear() => _open.Clear();

    private static long Id(ReadOnlyMemory<byte> txnId) => txnId.Length == 8 ? BitConverter.ToInt64(txnId.Span) : -1;
}
