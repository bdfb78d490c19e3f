using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Performatives;

/// <summary>
/// Error conditions of the spec and of the Service Bus dialect that the SDKs map to exceptions.
/// All are interned: decoding one yields the same instance, so comparisons are reference-cheap.
/// </summary>
public static class ErrorConditions
{
    public static readonly AmqpSymbol DecodeError = Get("amqp:decode-error");
    public static readonly AmqpSymbol InternalError = Get("amqp:internal-error");
    public static readonly AmqpSymbol NotFound = Get("amqp:not-found");
    public static readonly AmqpSymbol UnauthorizedAccess = Get("amqp:unauthorized-access");
    public static readonly AmqpSymbol ResourceLimitExceeded = Get("amqp:resource-limit-exceeded");
    public static readonly AmqpSymbol NotAllowed = Get("amqp:not-allowed");
    public static readonly AmqpSymbol InvalidField = Get("amqp:invalid-field");
    public static readonly AmqpSymbol NotImplemented = Get("amqp:not-implemented");
    public static readonly AmqpSymbol ResourceLocked = Get("amqp:resource-locked");
    public static readonly AmqpSymbol PreconditionFailed = Get("amqp:precondition-failed");
    public static readonly AmqpSymbol ResourceDeleted = Get("amqp:resource-deleted");
    public static readonly AmqpSymbol IllegalState = Get("amqp:illegal-state");
    public static readonly AmqpSymbol FrameSizeTooSmall = Get("amqp:frame-size-too-small");
    public static readonly AmqpSymbol ConnectionForced = Get("amqp:connection:forced");
    public static readonly AmqpSymbol FramingError = Get("amqp:connection:framing-error");
    public static readonly AmqpSymbol WindowViolation = Get("amqp:session:window-violation");
    public static readonly AmqpSymbol ErrantLink = Get("amqp:session:errant-link");
    public static readonly AmqpSymbol HandleInUse = Get("amqp:session:handle-in-use");
    public static readonly AmqpSymbol UnattachedHandle = Get("amqp:session:unattached-handle");
    public static readonly AmqpSymbol DetachForced = Get("amqp:link:detach-forced");
    public static readonly AmqpSymbol TransferLimitExceeded = Get("amqp:link:transfer-limit-exceeded");
    public static readonly AmqpSymbol MessageSizeExceeded = Get("amqp:link:message-size-exceeded");
    public static readonly AmqpSymbol LinkStolen = Get("amqp:link:stolen");
    public static readonly AmqpSymbol UnknownTransaction = Get("amqp:transaction:unknown-id");
    public static readonly AmqpSymbol TransactionRollback = Get("amqp:transaction:rollback");
    public static readonly AmqpSymbol TransactionTimeout = Get("amqp:transaction:timeout");

    public static readonly AmqpSymbol Timeout = Get("com.microsoft:timeout");
    public static readonly AmqpSymbol DeadLetter = Get("com.microsoft:dead-letter");
    public static readonly AmqpSymbol MessageLockLost = Get("com.microsoft:message-lock-lost");
    public static readonly AmqpSymbol SessionLockLost = Get("com.microsoft:session-lock-lost");
    public static readonly AmqpSymbol SessionCannotBeLocked = Get("com.microsoft:session-cannot-be-locked");
    public static readonly AmqpSymbol EntityAlreadyExists = Get("com.microsoft:entity-already-exists");
    public static readonly AmqpSymbol ServerBusy = Get("com.microsoft:server-busy");
    public static readonly AmqpSymbol ArgumentError = Get("com.microsoft:argument-error");
    public static readonly AmqpSymbol ArgumentOutOfRange = Get("com.microsoft:argument-out-of-range");
    public static readonly AmqpSymbol EntityDisabled = Get("com.microsoft:entity-disabled");
    public static readonly AmqpSymbol MessageNotFound = Get("com.microsoft:message-not-found");

    private static AmqpSymbol Get(string name) =>
        KnownSymbols.TryGet(System.Text.Encoding.ASCII.GetBytes(name)) ?? throw new InvalidOperationException($"{name} is not interned.");
}
