namespace Omnibus.Transport.Admission;

/// <summary>
/// Caps on connections, applied by <see cref="ConnectionGate"/> to every endpoint of the
/// transport. Validated and clamped below the process's file-handle limit at start-up
/// (<see cref="ClampTo"/>): a socket is a file handle, and a process out of handles fails in
/// places far from the listener.
/// </summary>
public sealed class ConnectionGateOptions
{
    /// <summary>Open connections across all endpoints.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Open connections from one source address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>Open connections that have not authenticated yet.</summary>
    public int MaxUnauthenticatedConnections { get; set; } = 1_000;

    /// <summary>How long a connection may take to authenticate before it is closed (silent or not).</summary>
    public TimeSpan AuthenticationTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Refusals are logged at most once per this interval (with the count since the last line).</summary>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>File handles kept for everything but client sockets (segment files, the catalog, HTTP, the runtime).</summary>
    public int ReservedFileHandles { get; set; } = 256;

    /// <summary>The clock of the authentication time-out and the refusal log.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxConnections < 1 || MaxConnectionsPerAddress < 1 || MaxUnauthenticatedConnections < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConnections), "Connection caps must be at least 1.");
        }
        if (AuthenticationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AuthenticationTimeout), AuthenticationTimeout, "AuthenticationTimeout must be positive.");
        }
        if (ReservedFileHandles < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ReservedFileHandles), ReservedFileHandles, "ReservedFileHandles must not be negative.");
        }
    }

    /// <summary>
    /// Lowers the caps so that client sockets never take the last file handles: each cap is at most
    /// the limit minus the handles already open (<paramref name="openNow"/>: the runtime's own, its
    /// assemblies') minus <see cref="ReservedFileHandles"/> (and at least 1). Returns the caps it lowered.
    /// </summary>
    public IReadOnlyList<string> ClampTo(long fileHandleLimit, long openNow = 0)
    {
        var lowered = new List<string>();
        long room = Math.Max(1, fileHandleLimit - Math.Max(0, openNow) - ReservedFileHandles);
        if (MaxConnections > room)
        {
            lowered.Add($"{nameof(MaxConnections)} {MaxConnections} -> {room}");
            MaxConnections = (int)room;
        }
        if (MaxConnectionsPerAddress > MaxConnections)
        {
            lowered.Add($"{nameof(MaxConnectionsPerAddress)} {MaxConnectionsPerAddress} -> {MaxConnections}");
            MaxConnectionsPerAddress = MaxConnections;
        }
        if (MaxUnauthenticatedConnections > MaxConnections)
        {
            lowered.Add($"{nameof(MaxUnauthenticatedConnections)} {MaxUnauthenticatedConnections} -> {MaxConnections}");
            MaxUnauthenticatedConnections = MaxConnections;
        }
        return lowered;
    }
}
