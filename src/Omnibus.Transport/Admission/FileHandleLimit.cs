using System.Runtime.InteropServices;

namespace Omnibus.Transport.Admission;

/// <summary>
/// The process's limit on open file handles (RLIMIT_NOFILE). At start-up the host raises the soft
/// limit to the hard limit (an unprivileged process may) and clamps the connection caps below it
/// (<see cref="ConnectionGateOptions.ClampTo"/>). On systems other than Linux and macOS nothing is
/// changed and the limit is unknown.
/// </summary>
public static partial class FileHandleLimit
{
    private const int RlimitNofileLinux = 7;
    private const int RlimitNofileMac = 8;

    // With an unlimited hard limit the kernel still bounds the soft one (fs.nr_open on Linux).
    private const ulong Unlimited = ulong.MaxValue;
    private const ulong UnlimitedFallback = 1 << 20;

    /// <summary>The soft and hard limits now; null when they cannot be read here.</summary>
    public static (ulong Soft, ulong Hard)? Current()
    {
        if (!TryResource(out int resource) || GetRLimit(resource, out RLimit limit) != 0)
        {
            return null;
        }
        return (limit.Current, limit.Maximum);
    }

    /// <summary>
    /// Raises the soft limit to the hard one; returns the soft limit in force afterwards (the old one
    /// if raising failed), or null where limits are not known.
    /// </summary>
    public static ulong? RaiseSoftToHard()
    {
        if (!TryResource(out int resource) || GetRLimit(resource, out RLimit limit) != 0)
        {
            return null;
        }
        if (limit.Current >= limit.Maximum)
        {
            return limit.Current;
        }
        ulong target = limit.Maximum == Unlimited ? Math.Max(limit.Current, UnlimitedFallback) : limit.Maximum;
        var raised = new RLimit { Current = target, Maximum = limit.Maximum };
        return SetRLimit(resource, in raised) == 0 ? target : limit.Current;
    }

    /// <summary>
    /// How many file handles the process holds now (Linux: the entries of /proc/self/fd); null where
    /// that cannot be read. The runtime alone holds a couple of hundred (every loaded assembly keeps one
    /// or two open), so the caps leave room above these, not above zero.
    /// </summary>
    public static int? OpenNow()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool TryResource(out int resource)
    {
        resource = OperatingSystem.IsLinux() ? RlimitNofileLinux : OperatingSystem.IsMacOS() ? RlimitNofileMac : -1;
        // rlim_t is 64 bits on the 64-bit platforms the broker ships for; skip anything else.
        return resource >= 0 && Environment.Is64BitProcess;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
