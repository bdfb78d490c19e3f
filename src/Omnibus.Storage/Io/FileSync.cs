using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Omnibus.Storage.Io;

/// <summary>
/// Durable flushes. On Linux the log calls fdatasync(2), which skips the inode timestamp write
/// that fsync(2) adds; the file size change that appends cause is still made durable, which is
/// all recovery needs. Elsewhere it falls back to the runtime's full flush.
/// </summary>
public static partial class FileSync
{
    /// <summary>Makes the data of <paramref name="handle"/> durable.</summary>
    public static void DataSync(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (OperatingSystem.IsLinux())
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (FdataSync(handle.DangerousGetHandle().ToInt32()) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"fdatasync failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
        else
        {
            RandomAccess.FlushToDisk(handle);
        }
    }

    /// <summary>
    /// Makes a directory's entries durable (file creation, rename, delete). Needed after a new
    /// segment or a checkpoint rename, or the file itself may vanish after power loss.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
