namespace Omnibus.Core.Engine;

/// <summary>How one receive takes its messages.</summary>
public sealed record ReceiveOptions
{
    /// <summary>Lock the messages (the default) or remove them as they are handed out.</summary>
    public ReceiveMode Mode { get; init; } = ReceiveMode.PeekLock;

    /// <summary>
    /// How long the messages of this receive stay locked (invisible to other receivers), from zero
    /// (visible again at the next sweep) up to <see cref="Receivable.MaxVisibility"/>; null takes
    /// the entity's lock duration. Renewing a lock later extends it by the entity's lock duration.
    /// </summary>
    public TimeSpan? Visibility { get; init; }
}

/// <summary>Where a requeued message goes back in its queue.</summary>
public enum RequeuePosition
{
    /// <summary>Its own place in sequence order: it keeps its sequence number, ahead of everything stored after it.</summary>
    Head,

    /// <summary>Behind every message stored so far: a copy is appended to the log and the original settled.</summary>
    Tail,
}
