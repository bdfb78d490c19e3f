using Omnibus.Core.Engine;
using Omnibus.Hosting;

namespace Omnibus.Tests.Shared;

/// <summary>
/// A data directory's volume whose free space a test sets: plenty at first, then below the broker's floor
/// and back, each change probed at once, so disk-full behaviour is tested without filling a disk.
/// </summary>
internal sealed class SimulatedFreeSpace
{
    /// <summary>The broker's free-space floor in these tests.</summary>
    public const long Floor = 64L * 1024 * 1024;

    private long _free = 10 * Floor;

    /// <summary>Gives the host this floor and this probe.</summary>
    public void Apply(OmnibusHostOptions host)
    {
        host.MinFreeSpaceBytes = Floor;
        host.FreeSpaceProbe = _ => Interlocked.Read(ref _free);
    }

    /// <summary>The volume goes below the floor, and the broker knows it at once.</summary>
    public void RunLow(Broker broker) => Set(broker, Floor / 2);

    /// <summary>Space returns, and the broker knows it at once.</summary>
    public void Recover(Broker broker) => Set(broker, 10 * Floor);

    private void Set(Broker broker, long free)
    {
        Interlocked.Exchange(ref _free, free);
        broker.Space.Probe();
    }
}
