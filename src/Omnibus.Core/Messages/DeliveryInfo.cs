namespace Omnibus.Core.Messages;

/// <summary>
/// The per-delivery part of a received or peeked message, kept apart from the message itself:
/// the stored record never holds it, and each receive of the same message gets its own.
/// </summary>
/// <param name="LockToken">Lock token of this delivery (peek-lock), else empty.</param>
/// <param name="LockedUntil">Lock expiry of this delivery (peek-lock), else default.</param>
/// <param name="DeliveryCount">Delivery attempts before this one.</param>
/// <param name="State">The message's state in its entity when it was read (peek reports deferred and scheduled ones).</param>
public readonly record struct DeliveryInfo(Guid LockToken, DateTimeOffset LockedUntil, int DeliveryCount, MessageState State);
