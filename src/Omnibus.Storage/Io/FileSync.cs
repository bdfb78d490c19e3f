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

    /// <summary>
    /// Makes every file of the file system holding <paramref name="fd"/> durable at once (syncfs(2),
    /// which reports write-back errors of that file system since Linux 5.8). False when the system
    /// has no syncfs (ENOSYS, or not Linux): the caller flushes file by file instead.
    /// </summary>
    public static bool SyncFileSystem(int fd)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        if (SyncFs(fd) == 0)
        {
            return true;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno == ENOSYS)
        {
            return false;
        }
        throw new IOException($"syncfs failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
    }

    /// <summary>
    /// The file system (device) holding <paramref name="path"/>, or null where it cannot be told
    /// (not Linux, no statx): such paths never share a file-system flush.
    /// </summary>
    public static unsafe ulong? DeviceOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        // struct statx is laid out the same on every architecture: 256 bytes, the device's
        // major and minor number at offsets 136 and 140 (always filled, whatever the mask).
        byte* buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        uint major = *(uint*)(buffer + 136);
        uint minor = *(uint*)(buffer + 140);
        return ((ulong)major << 32) | minor;
    }

    /// <summary>Opens <paramref name="directory"/> read-only for <see cref="SyncFileSystem"/>; -1 if it cannot be opened.</summary>
    public static int OpenForSync(string directory) => OperatingSystem.IsLinux() ? Open(directory, OpenReadOnlyCloseOnExec) : -1;

    /// <summary>Closes a descriptor from <see cref="OpenForSync"/>.</summary>
    public static void CloseDescriptor(int fd)
    {
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    private const int ENOSYS = 38;
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
