namespace Omnibus.Storage;

/// <summary>
/// A sequential reader over an <see cref="IPartitionLog"/>: sees only acknowledged records and
/// follows the log as it grows. A record's body is valid until the reader's next call.
/// </summary>
public interface ILogReader : IDisposable
{
    /// <summary>The sequence number the next <see cref="TryRead"/> returns.</summary>
    long NextSequence { get; }

    /// <summary>Moves the reader to <paramref name="sequence"/>.</summary>
    void Seek(long sequence);

    /// <summary>Reads the next record, or returns false when no further acknowledged record exists yet.</summary>
    bool TryRead(out LogRecord record);
}
