namespace Omnibus.Hosting;

/// <summary>What kept a host from starting.</summary>
public enum OmnibusStartupFailure
{
    /// <summary>The entities file cannot be read, or the broker refuses one of its entities.</summary>
    Entities,

    /// <summary>The data directory cannot be opened.</summary>
    Storage,

    /// <summary>A listener's address and port cannot be bound (in use, no permission).</summary>
    Listen,
}

/// <summary>A reason the host cannot start; <see cref="Failure"/> says which part, <see cref="Exception.InnerException"/> the cause.</summary>
public sealed class OmnibusStartupException : Exception
{
    public OmnibusStartupException(OmnibusStartupFailure failure, string message, Exception? inner = null) : base(message, inner) => Failure = failure;

    public OmnibusStartupException() : this(OmnibusStartupFailure.Storage, "The host could not start.") { }

    public OmnibusStartupException(string message) : this(OmnibusStartupFailure.Storage, message) { }

    public OmnibusStartupException(string message, Exception inner) : this(OmnibusStartupFailure.Storage, message, inner) { }

    public OmnibusStartupFailure Failure { get; }

    /// <summary>For <see cref="OmnibusStartupFailure.Listen"/>: the listener that could not bind (<c>http</c> or <c>amqp</c>).</summary>
    public string? Listener { get; init; }
}
