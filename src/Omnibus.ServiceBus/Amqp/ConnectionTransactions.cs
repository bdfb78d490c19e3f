using Omnibus.Core.Security;
using System.Collections.Concurrent;
using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Performatives;
using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// Transactions declared on a connection's coordinator. Work done inside a transaction (a send, a
/// settlement) is recorded as a core <see cref="TransactionOperation"/>, not applied; discharge with
/// fail=false hands all of it to <see cref="Broker.CommitTransactionAsync"/>, which applies every
/// operation or none (and completes a commit interrupted by a crash when the broker next opens);
/// fail=true, or the connection closing, drops it.
/// </summary>
internal sealed class ConnectionTransactions
{
    private readonly ConcurrentDictionary<long, List<TransactionOperation>> _open = new();
    private long _nextId;

    public ReadOnlyMemory<byte> Declare()
    {
        long id = Interlocked.Increment(ref _nextId);
        _open[id] = [];
        return BitConverter.GetBytes(id);
    }

    public void Enlist(ReadOnlyMemory<byte> txnId, TransactionOperation operation)
    {
        if (!_open.TryGetValue(Id(txnId), out List<TransactionOperation>? list))
        {
            throw AmqpProtocolException.Link(ErrorConditions.UnknownTransaction, "Unknown transaction.");
        }
        lock (list)
        {
            list.Add(operation);
        }
    }

    /// <summary>
    /// Ends a transaction: null when it committed (or rolled back as asked), else the error to reject
    /// the discharge with — amqp:transaction:unknown-id, or amqp:transaction:rollback when a check
    /// failed and nothing was applied.
    /// </summary>
    public async Task<AmqpError?> DischargeAsync(Broker broker, ReadOnlyMemory<byte> txnId, bool fail, CallerIdentity caller)
    {
        if (!_open.TryRemove(Id(txnId), out List<TransactionOperation>? list))
        {
            return new AmqpError(ErrorConditions.UnknownTransaction, "Unknown transaction.");
        }
        if (fail)
        {
            return null;
        }
        TransactionOperation[] operations;
        lock (list)
        {
            operations = [.. list];
        }
        try
        {
            await broker.CommitTransactionAsync(operations, caller).ConfigureAwait(false);
            return null;
        }
        catch (MessagingException e)
        {
            return new AmqpError(ErrorConditions.TransactionRollback, e.Message);
        }
    }

    public void Clear() => _open.Clear();

    private static long Id(ReadOnlyMemory<byte> txnId) => txnId.Length == 8 ? BitConverter.ToInt64(txnId.Span) : -1;
}
