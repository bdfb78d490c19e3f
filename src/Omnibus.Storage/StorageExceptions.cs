namespace Omnibus.Storage;

/// <summary>Base of every error the storage engine reports. Messages name the file and the problem.</summary>
public class StorageException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StorageException() { }

    /// <summary>Creates the exception.</summary>
    public StorageException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public StorageException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The file concerned, when there is one.</summary>
    public string? FilePath { get; init; }
}

/// <summary>The directory or file is not in Omnibus's format, or in a newer version of it.</summary>
public sealed class StorageFormatException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageFormatException() { }

    /// <summary>Creates the exception.</summary>
    public StorageFormatException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public StorageFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A record that was durable is damaged (CRC mismatch or impossible header) somewhere other than
/// a torn tail. Never skipped silently: the position is reported and nothing is deleted.
/// </summary>
public sealed class StorageCorruptionException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageCorruptionException() { }

    /// <summary>Creates the exception.</summary>
    public StorageCorruptionException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public StorageCorruptionException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Byte offset of the damaged record inside <see cref="StorageException.FilePath"/>.</summary>
    public long Position { get; init; }
}

/// <summary>
/// A write or flush failed (for example the disk is full). The log stops accepting appends,
/// because what reached the disk is unknown; reopening it runs recovery.
/// </summary>
public sealed class LogFaultedException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public LogFaultedException() { }

    /// <summary>Creates the exception.</summary>
    public LogFaultedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public LogFaultedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Records appended at given sequence numbers do not start where the log ends (a follower
/// behind or ahead of its leader). Nothing was appended.
/// </summary>
public sealed class LogOffsetMismatchException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public LogOffsetMismatchException() { }

    /// <summary>Creates the exception.</summary>
    public LogOffsetMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public LogOffsetMismatchException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The sequence the log would have given the first record.</summary>
    public long ExpectedSequence { get; init; }
}
