using Omnibus.Amqp091.Codec;
using Omnibus.Core;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Connection;

/// <summary>
/// tx.select, tx.commit, tx.rollback. In a transactional channel publishes and acknowledgements are held by the
/// channel: commit applies them in the order they came (publishes first, each durable before commit-ok, then the
/// acks, nacks and rejects), rollback drops them (the deliveries stay unacknowledged). As in RabbitMQ a commit is
/// not atomic across queues: each publish is the core's publish, each settlement the core's settlement.
/// </summary>
internal sealed partial class Amqp091Channel
{
    private bool _transactional;
    private readonly List<(PendingPublish Publish, BrokerMessage Message)> _txPublishes = [];
    private readonly List<Func<Task>> _txSettlements = [];
    private readonly HashSet<ulong> _txSettledTags = [];

    /// <summary>Whether <c>tx.select</c> was sent.</summary>
    public bool Transactional => Volatile.Read(ref _transactional);

    private void TxSelect()
    {
        if (_confirming)
        {
            throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - cannot switch from confirm to tx mode", false, 90, 10);
        }
        _transactional = true;
        Connection.SendMethod(Id, MethodIds.TxSelectOk);
    }

    private static Amqp091Exception NotTransactional(ushort method) =>
        new(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - channel is not transactional", false, 90, method);

    /// <summary>
    /// An ack, nack or reject in a transaction is kept for the commit; its tag is checked now (406 for a tag not
    /// outstanding, or already settled in this transaction), as RabbitMQ does.
    /// </summary>
    /// <returns>False outside a transaction: the caller settles at once.</returns>
    private bool DeferToTransaction(ulong tag, bool multiple, ushort method, Func<Task> settle)
    {
        if (!_transactional)
        {
            return false;
        }
        lock (_gate)
        {
            if (!multiple && (!_unacked.ContainsKey(tag) || !_txSettledTags.Add(tag)))
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - unknown delivery tag {tag}", false, 60, method);
            }
            if (multiple)
            {
                _txSettledTags.UnionWith(_unacked.Keys.Where(t => tag == 0 || t <= tag));
            }
        }
        _txSettlements.Add(settle);
        return true;
    }

    private async Task TxCommitAsync()
    {
        if (!_transactional)
        {
            throw NotTransactional(20);
        }
        (PendingPublish Publish, BrokerMessage Message)[] publishes = [.. _txPublishes];
        Func<Task>[] settlements = [.. _txSettlements];
        _txPublishes.Clear();
        _txSettlements.Clear();
        lock (_gate)
        {
            _txSettledTags.Clear();
        }
        try
        {
            // Started in order; each is durable in every queue it reached before commit-ok goes.
            Task<PublishResult>[] routed = [.. publishes.Select(p => Route(p.Publish, p.Message))];
            for (int i = 0; i < routed.Length; i++)
            {
                PublishResult result = await routed[i].ConfigureAwait(false);
                PendingPublish p = publishes[i].Publish;
                if (!result.Routed && p.Mandatory)
                {
                    Connection.SendContent(Id, MethodIds.BasicReturn,
                        w => w.Short(ReplyCodes.NoRoute).ShortString("NO_ROUTE").ShortString(p.Exchange).ShortString(p.RoutingKey),
                        p.Properties!, p.Body);
                }
            }
            foreach (Func<Task> settle in settlements)
            {
                await settle().ConfigureAwait(false);
            }
        }
        catch (MessagingException e)
        {
            throw ErrorMapping.ToChannelError(e, MethodIds.TxCommit);
        }
        Connection.SendMethod(Id, MethodIds.TxCommitOk);
    }

    private void TxRollback()
    {
        if (!_transactional)
        {
            throw NotTransactional(30);
        }
        _txPublishes.Clear();
        _txSettlements.Clear();
        lock (_gate)
        {
            _txSettledTags.Clear();
        }
        Connection.SendMethod(Id, MethodIds.TxRollbackOk);
    }
}
