using Omnibus.Core.Streams;

namespace Omnibus.Core.Engine;

public sealed partial class Broker
{
    private StreamRegistry? _streams;

    /// <summary>
    /// The namespace's streams (partitioned logs read by offset) and their consumer-group
    /// offsets, under <c>streams/</c> in the data directory. Opened at start when that directory
    /// exists, else at first use, so a namespace without streams pays nothing for them.
    /// </summary>
    public StreamRegistry Streams
    {
        get
        {
            lock (_catalogLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _streams ??= StreamRegistry.Open(new StreamOptions
                {
                    DataDirectory = DataDirectory,
                    TimeProvider = Clock,
                    Store = Store,
                    Durability = Options.Durability,
                    SegmentSize = Options.SegmentSize,
                    Space = Space,
                });
            }
        }
    }

    private void OpenStreamsIfPresent()
    {
        if (Store.Exists(Path.Combine(DataDirectory, "streams")))
        {
            _ = Streams;
        }
    }
}
