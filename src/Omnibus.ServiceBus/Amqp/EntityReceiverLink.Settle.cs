using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

internal sealed partial class EntityReceiverLink
{
    /// <summary>
    /// accepted = complete; modified = abandon, or defer with undeliverable-here; rejected with
    /// com.microsoft:dead-letter = dead-letter with reason; released = abandon. Answered with a
    /// settled disposition of this side: accepted, or rejected with the lock error.
    /// </summary>
    public override void OnDisposition(uint deliveryId, in Disposition disposition, object? state)
    {
        if (state is not Guid lockToken)
        {
            return;
        }
        DeliveryState? outcome = disposition.State;
        bool answer = !disposition.Settled;
        // The answer must reach the peer before this link's detach (or its session's end) does:
        // a client that closes its receiver right after settling (a processor stopping, the JS
        // SDK's receiver.close()) stops listening for the link's frames once the detach is echoed,
        // and then waits out its own time-out (60 s, then retries through $management).
        BeginOperation();
        if (outcome is null or Accepted)
        {
            // Completions are batched (the common case: a prefetching receiver accepting each message).
            _completions ??= new CompletionBatcher(_receivable, Writer, Session.LocalChannel, EndOperation, AsSeenByThisLink);
            _completions.Add(deliveryId, lockToken, answer);
            return;
        }
        _ = SettleAsync(deliveryId, lockToken, outcome, answer);
    }

    /// <summary>Created on the read loop at the first completion (dispositions arrive there one at a time).</summary>
    private CompletionBatcher? _completions;

    private async Task SettleAsync(uint deliveryId, Guid lockToken, DeliveryState? outcome, bool answer)
    {
        try
        {
            await SettleAndAnswerAsync(deliveryId, lockToken, outcome, answer).ConfigureAwait(false);
        }
        finally
        {
            EndOperation();
        }
    }

    private async Task SettleAndAnswerAsync(uint deliveryId, Guid lockToken, DeliveryState? outcome, bool answer)
    {
        DeliveryState reply;
        try
        {
            if (outcome is TransactionalState transactional)
            {
                DeliveryState? inner = transactional.Outcome;
                Connection.Transactions.Enlist(transactional.TxnId, TransactionalSettlement.From(_receivable, lockToken, inner));
                reply = new TransactionalState(transactional.TxnId, Accepted.Instance);
            }
            else
            {
                await ApplyAsync(_receivable, lockToken, outcome).ConfigureAwait(false);
                reply = Accepted.Instance;
            }
        }
        catch (MessagingException e)
        {
            reply = new Rejected(ErrorMapper.ToError(AsSeenByThisLink(e)));
        }
        catch (AmqpProtocolException e)
        {
            reply = new Rejected(e.ToError());
        }
        catch (ObjectDisposedException)
        {
            // The entity was deleted (or the broker is stopping) under the lock: still an answer.
            reply = new Rejected(new AmqpError(ErrorConditions.NotFound, "The messaging entity is gone."));
        }
        catch (Exception e)
        {
            AmqpLog.LinkUnexpected(Connection.Logger, Name, e);
            reply = new Rejected(new AmqpError(ErrorConditions.InternalError, "Internal error."));
        }
        if (answer)
        {
            Writer.Write(Session.LocalChannel, new Disposition
            {
                Role = LinkRole.Sender,
                First = deliveryId,
                Settled = true,
                State = reply,
            });
        }
    }

    /// <summary>
    /// On a session receiver the session's lock is the messages' lock, as in Service Bus: a lock that
    /// ended there (the session lock expired, the messages went back) is <c>SessionLockLost</c>.
    /// </summary>
    private MessagingException AsSeenByThisLink(MessagingException e) =>
        _session is { } session && e.Code == MessagingErrorCode.MessageLockLost
            ? new MessagingException(MessagingErrorCode.SessionLockLost, $"The session lock of session '{session.SessionId}' was lost; the message cannot be settled.")
            : e;

    /// <summary>Applies a settlement outcome to a locked message.</summary>
    public static Task ApplyAsync(Receivable receivable, Guid lockToken, DeliveryState? outcome)
    {
        switch (outcome)
        {
            case null:
            case Accepted:
                return receivable.CompleteAsync(lockToken);
            case Modified modified when modified.UndeliverableHere == true:
                return receivable.DeferAsync(lockToken, ToProperties(modified.MessageAnnotations));
            case Modified modified:
                return receivable.AbandonAsync(lockToken, ToProperties(modified.MessageAnnotations));
            case Released:
                return receivable.AbandonAsync(lockToken);
            case Rejected rejected:
                return DeadLetterAsync(receivable, lockToken, rejected.Error);
            default:
                throw AmqpProtocolException.Link(ErrorConditions.NotImplemented, "Unsupported outcome " + outcome.GetType().Name + ".");
        }
    }

    private static Task DeadLetterAsync(Receivable receivable, Guid lockToken, AmqpError? error)
    {
        (string? reason, string? description, Dictionary<string, object?>? properties) = AmqpValueConverter.DeadLetterInfo(error);
        return receivable.DeadLetterAsync(lockToken, reason, description, properties);
    }

    /// <summary>A modified outcome's message-annotations are the application properties to change.</summary>
    public static Dictionary<string, object?>? ToProperties(AmqpMap? map)
    {
        if (map is null || map.Count == 0)
        {
            return null;
        }
        var result = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<object?, object?> pair in map)
        {
            if (AmqpValueConverter.KeyText(pair.Key) is string key)
            {
                result[key] = AmqpValueConverter.ToCore(pair.Value, key);
            }
        }
        return result;
    }
}
