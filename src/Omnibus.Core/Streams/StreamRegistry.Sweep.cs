namespace Omnibus.Core.Streams;

public sealed partial class StreamRegistry
{
    /// <summary>Applies retention and compaction to every stream and snapshots the group offsets when due; the timer calls it too.</summary>
    public async Task SweepAsync()
    {
        await _sweepGate.WaitAsync().ConfigureAwait(false);
        try
        {
            MessageStream[] streams;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }
                streams = [.. _streams.Values];
            }
            long now = Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (MessageStream stream in streams)
            {
                StreamRetention.Apply(stream, now);
                StreamCompactor.Apply(stream, now);
            }
            _offsets.SnapshotIfDue();
        }
        finally
        {
            _sweepGate.Release();
        }
    }

    private async Task SweepSafelyAsync()
    {
        try
        {
            await SweepAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Storage.StorageCorruptionException or ObjectDisposedException or InvalidDataException or InvalidOperationException)
        {
            // The next sweep tries again; a damaged segment stays for an operator, and reads report it.
        }
    }
}
