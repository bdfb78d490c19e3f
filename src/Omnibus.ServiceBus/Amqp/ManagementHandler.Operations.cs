using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;

namespace Omnibus.ServiceBus.Amqp;

internal sealed partial class ManagementHandler
{
    private const string Vendor = "com.microsoft:";

    /// <param name="transaction">The txn-id the request carries, if any: update-disposition is then enlisted in that transaction.</param>
    private Task<(int Status, AmqpMap Body)> ExecuteAsync(string operation, AmqpMap body, ReadOnlyMemory<byte>? transaction)
    {
        string name = operation.StartsWith(Vendor, StringComparison.Ordinal) ? operation[Vendor.Length..] : operation;
        return name switch
        {
            "renew-lock" => Task.FromResult(RenewLock(body)),
            "peek-message" => Task.FromResult(Peek(body)),
            "schedule-message" => ScheduleAsync(body),
            "cancel-scheduled-message" => CancelScheduledAsync(body),
            "receive-by-sequence-number" => ReceiveBySequenceNumberAsync(body),
            "update-disposition" => UpdateDispositionAsync(body, transaction),
            "renew-session-lock" => Task.FromResult(RenewSessionLock(body)),
            "get-session-state" => Task.FromResult(GetSessionState(body)),
            "set-session-state" => SetSessionStateAsync(body),
            "get-message-sessions" => Task.FromResult(GetMessageSessions(body)),
            "add-rule" => Task.FromResult(AddRule(body)),
            "remove-rule" => Task.FromResult(RemoveRule(body)),
            "enumerate-rules" => Task.FromResult(EnumerateRules(body)),
            _ => throw new ManagementException(501, Omnibus.Amqp.Performatives.ErrorConditions.NotImplemented, $"The operation '{operation}' is not implemented."),
        };
    }

    private Receivable Receivable => ServiceBusNames.GetReceivable(connection.Broker, entityPath, connection.Authorization.Caller);

    private static (int, AmqpMap) Ok(AmqpMap body) => (200, body);

    private (int, AmqpMap) RenewLock(AmqpMap body)
    {
        Guid[] tokens = ManagementValues.Guids(body, "lock-tokens");
        Receivable receivable = Receivable;
        var expirations = new AmqpTimestamp[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            expirations[i] = AmqpTimestamp.FromDateTimeOffset(receivable.RenewLock(tokens[i]));
        }
        return Ok(new AmqpMap { { "expirations", expirations } });
    }

    private (int, AmqpMap) Peek(AmqpMap body)
    {
        long from = WireSequenceNumbers.FromWire(ManagementValues.Long(body, "from-sequence-number") ?? 0);
        int count = (int)(ManagementValues.Long(body, "message-count") ?? 1);
        string? sessionId = ManagementValues.String(body, "session-id");
        IReadOnlyList<BrokerMessage> messages = Receivable.Peek(from, Math.Max(1, count), sessionId);
        if (messages.Count == 0)
        {
            return (204, new AmqpMap());
        }
        var list = new List<object?>(messages.Count);
        foreach (BrokerMessage message in messages)
        {
            list.Add(new AmqpMap { { "message", MessageMapper.Encode(message) } });
        }
        return Ok(new AmqpMap { { "messages", list } });
    }

    private async Task<(int, AmqpMap)> ScheduleAsync(AmqpMap body)
    {
        var messages = new List<BrokerMessage>();
        foreach (object? item in ManagementValues.List(body, "messages"))
        {
            if (item is AmqpMap entry && entry.TryGetValue("message", out object? encoded) && encoded is ReadOnlyMemory<byte> bytes)
            {
                messages.Add(MessageMapper.ToBroker(AmqpMessage.Decode(bytes.ToArray())));
            }
        }
        long[] sequenceNumbers = messages.Count == 0 ? [] : await connection.Broker.SendAsync(entityPath, messages, connection.Authorization.Caller).ConfigureAwait(false);
        sequenceNumbers = [.. sequenceNumbers.Select(WireSequenceNumbers.ToWire)];
        return Ok(new AmqpMap { { "sequence-numbers", sequenceNumbers } });
    }

    private async Task<(int, AmqpMap)> CancelScheduledAsync(AmqpMap body)
    {
        long[] sequenceNumbers = [.. ManagementValues.Longs(body, "sequence-numbers").Select(WireSequenceNumbers.FromWire)];
        await connection.Broker.CancelScheduledAsync(entityPath, sequenceNumbers, connection.Authorization.Caller).ConfigureAwait(false);
        return Ok(new AmqpMap());
    }

    private async Task<(int, AmqpMap)> ReceiveBySequenceNumberAsync(AmqpMap body)
    {
        long[] sequenceNumbers = [.. ManagementValues.Longs(body, "sequence-numbers").Select(WireSequenceNumbers.FromWire)];
        ReceiveMode mode = ManagementValues.Long(body, "receiver-settle-mode") == 0 ? ReceiveMode.ReceiveAndDelete : ReceiveMode.PeekLock;
        SessionLock? session = SessionLockFor(ManagementValues.String(body, "session-id"));
        IReadOnlyList<BrokerMessage> messages = await Receivable.ReceiveDeferredAsync(sequenceNumbers, mode, session).ConfigureAwait(false);
        var list = new List<object?>(messages.Count);
        foreach (BrokerMessage message in messages)
        {
            var entry = new AmqpMap { { "message", MessageMapper.Encode(message) } };
            if (mode == ReceiveMode.PeekLock)
            {
                entry.Add("lock-token", message.LockToken);
            }
            list.Add(entry);
        }
        return Ok(new AmqpMap { { "messages", list } });
    }

    private async Task<(int, AmqpMap)> UpdateDispositionAsync(AmqpMap body, ReadOnlyMemory<byte>? transaction)
    {
        Guid[] tokens = ManagementValues.Guids(body, "lock-tokens");
        string status = ManagementValues.String(body, "disposition-status") ?? "";
        Dictionary<string, object?>? properties = body.TryGetValue("properties-to-modify", out object? p) && p is AmqpMap map
            ? EntityReceiverLink.ToProperties(map)
            : null;
        Receivable receivable = Receivable;
        if (transaction is { } txnId)
        {
            // Recorded, applied (all or nothing with the rest of the transaction) at discharge.
            SettlementKind kind = status switch
            {
                "completed" => SettlementKind.Complete,
                "abandoned" => SettlementKind.Abandon,
                "defered" or "deferred" => SettlementKind.Defer,
                "suspended" => SettlementKind.DeadLetter,
                _ => throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Unknown disposition-status '{status}'."),
            };
            try
            {
                foreach (Guid token in tokens)
                {
                    connection.Transactions.Enlist(txnId, new TransactionSettlement(receivable, token, kind, properties,
                        ManagementValues.String(body, "deadletter-reason"), ManagementValues.String(body, "deadletter-description")));
                }
            }
            catch (Omnibus.Amqp.Connection.AmqpProtocolException e)
            {
                Omnibus.Amqp.Performatives.AmqpError error = e.ToError();
                throw new ManagementException(400, error.Condition, error.Description ?? "Unknown transaction.");
            }
            return Ok(new AmqpMap());
        }
        foreach (Guid token in tokens)
        {
            switch (status)
            {
                case "completed":
                    await receivable.CompleteAsync(token).ConfigureAwait(false);
                    break;
                case "abandoned":
                    await receivable.AbandonAsync(token, properties).ConfigureAwait(false);
                    break;
                case "defered":
                case "deferred":
                    await receivable.DeferAsync(token, properties).ConfigureAwait(false);
                    break;
                case "suspended":
                    await receivable.DeadLetterAsync(token, ManagementValues.String(body, "deadletter-reason"), ManagementValues.String(body, "deadletter-description"), properties).ConfigureAwait(false);
                    break;
                default:
                    throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Unknown disposition-status '{status}'.");
            }
        }
        return Ok(new AmqpMap());
    }

    private SessionLock? SessionLockFor(string? sessionId) =>
        sessionId is null ? null : RequireSessionLock(sessionId);

    private SessionLock RequireSessionLock(string sessionId) =>
        connection.SessionLocks.Find(EntityAddress.Key(entityPath), sessionId)
            ?? throw new MessagingException(MessagingErrorCode.SessionLockLost, $"The session lock for '{sessionId}' is not held by this connection.");

    private (int, AmqpMap) RenewSessionLock(AmqpMap body)
    {
        SessionLock session = RequireSessionLock(ManagementValues.String(body, "session-id") ?? "");
        DateTimeOffset until = Receivable.RenewSessionLock(session);
        connection.SessionLocks.Set(EntityAddress.Key(entityPath), session with { LockedUntil = until });
        return Ok(new AmqpMap { { "expiration", AmqpTimestamp.FromDateTimeOffset(until) } });
    }

    private (int, AmqpMap) GetSessionState(AmqpMap body)
    {
        SessionLock session = RequireSessionLock(ManagementValues.String(body, "session-id") ?? "");
        byte[]? state = Receivable.GetSessionState(session);
        return Ok(new AmqpMap { { "session-state", state } });
    }

    private async Task<(int, AmqpMap)> SetSessionStateAsync(AmqpMap body)
    {
        SessionLock session = RequireSessionLock(ManagementValues.String(body, "session-id") ?? "");
        byte[]? state = body.TryGetValue("session-state", out object? value) && value is ReadOnlyMemory<byte> bytes ? bytes.ToArray() : null;
        await Receivable.SetSessionStateAsync(session, state).ConfigureAwait(false);
        return Ok(new AmqpMap());
    }

    private (int, AmqpMap) GetMessageSessions(AmqpMap body)
    {
        int skip = (int)(ManagementValues.Long(body, "skip") ?? 0);
        int top = (int)Math.Min(ManagementValues.Long(body, "top") ?? int.MaxValue, int.MaxValue);
        string[] ids = [.. Receivable.ListSessions().Skip(skip).Take(top)];
        if (ids.Length == 0)
        {
            return (204, new AmqpMap { { "skip", skip }, { "sessions-ids", Array.Empty<string>() } });
        }
        return Ok(new AmqpMap { { "skip", skip + ids.Length }, { "sessions-ids", ids } });
    }
}
