using System.Buffers.Binary;
using Omnibus.Tests.Shared;

namespace Omnibus.Storage.Tests;

public class BadInputTests
{
    [Fact]
    public void A_directory_holding_other_files_is_not_taken_for_a_log_and_is_left_untouched()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Sub("notes.txt"), "mine");
        var ex = Assert.Throws<StorageFormatException>(() => PartitionLog.Open(dir.Path));
        Assert.Contains("is not an Omnibus log", ex.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_path_that_is_a_file_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Sub("file"), "x");
        var ex = Assert.Throws<StorageFormatException>(() => PartitionLog.Open(dir.Sub("file")));
        Assert.Contains("is a file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_marker_from_a_newer_format_is_refused_naming_the_file_and_version()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path))
        {
            await log.AppendAsync(new byte[] { 1 });
        }
        string marker = dir.Sub("omnibus.log");
        byte[] bytes = File.ReadAllBytes(marker);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 9);
        File.WriteAllBytes(marker, bytes);
        var ex = Assert.Throws<StorageFormatException>(() => PartitionLog.Open(dir.Path));
        Assert.Equal(marker, ex.FilePath);
        Assert.Contains("version 9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_from_a_newer_format_is_refused_and_kept()
    {
        using var dir = new TempDirectory();
        string path;
        using (var log = PartitionLog.Open(dir.Path))
        {
            await log.AppendAsync(new byte[] { 1, 2, 3 });
            path = log.Segments[0].Path;
        }
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<StorageFormatException>(() => PartitionLog.Open(dir.Path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains("segment format version 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_file_with_a_segment_name_but_foreign_content_is_refused()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path))
        {
            await log.AppendAsync(new byte[] { 1 });
        }
        string path = dir.Sub($"{0:D20}.seg");
        File.WriteAllText(path, "a text file that someone renamed to look like a segment");
        var ex = Assert.Throws<StorageFormatException>(() => PartitionLog.Open(dir.Path));
        Assert.Contains("not an Omnibus segment", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_full_disk_fails_the_append_with_a_clear_message_and_keeps_what_was_durable()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to mount a small tmpfs");
        using var dir = new TempDirectory();
        string mount = dir.Sub("tiny");
        Directory.CreateDirectory(mount);
        using var mounted = TinyFileSystem.Mount(mount, "256k");
        Skip.If(mounted is null, "mount -t tmpfs is not permitted here");
        string logDir = Path.Combine(mount, "log");
        long acknowledged = 0;
        StorageException? fault = null;
        using (var log = PartitionLog.Open(logDir, new LogOptions { SegmentSize = 64 * 1024 }))
        {
            try
            {
                for (int i = 0; i < 10_000; i++)
                {
                    await log.AppendAsync(Payload.For(i, 1000));
                    acknowledged++;
                }
            }
            catch (StorageException ex)
            {
                fault = ex;
            }
            Assert.NotNull(fault);
            // Typed as a full disk (with 64 KiB segments it may have interrupted a roll, which faults the log instead of rolling back).
            Assert.True(StorageFullException.IsDiskFull(fault), fault!.ToString());
            Assert.Contains("disk is full", fault!.Message, StringComparison.Ordinal);
            Assert.Contains(logDir, fault.Message, StringComparison.Ordinal);
        }
        Assert.True(acknowledged > 10);
        // Free the space the way an operator would (here: grow the tmpfs), reopen, and count.
        Assert.True(TinyFileSystem.Resize(mount, "4m"));
        using var reopened = PartitionLog.Open(logDir, new LogOptions { SegmentSize = 64 * 1024 });
        Assert.True(reopened.NextSequence >= acknowledged);
        IReadOnlyList<StoredRecord> all = reopened.Read(0, int.MaxValue);
        for (int i = 0; i < acknowledged; i++)
        {
            Assert.Equal(Payload.For(i, 1000), all[i].Body);
        }
        long next = reopened.NextSequence;
        Assert.Equal(next, await reopened.AppendAsync(new byte[] { 1 }));
    }

    [SkippableFact]
    public async Task A_full_disk_that_interrupts_no_roll_leaves_the_log_taking_appends_once_space_is_freed()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to mount a small tmpfs");
        using var dir = new TempDirectory();
        string mount = dir.Sub("tiny");
        Directory.CreateDirectory(mount);
        using var mounted = TinyFileSystem.Mount(mount, "256k");
        Skip.If(mounted is null, "mount -t tmpfs is not permitted here");
        string logDir = Path.Combine(mount, "log");
        var options = new LogOptions { SegmentSize = 4 * 1024 * 1024 }; // larger than the disk: the tail never rolls
        long acknowledged = 0;
        using (var log = PartitionLog.Open(logDir, options))
        {
            StorageFullException? full = null;
            try
            {
                for (int i = 0; i < 10_000; i++)
                {
                    await log.AppendAsync(Payload.For(i, 1000));
                    acknowledged++;
                }
            }
            catch (StorageFullException ex)
            {
                full = ex;
            }
            Assert.NotNull(full);
            Assert.Contains("appends succeed again once space is freed", full!.Message, StringComparison.Ordinal);
            // Still full: refused the same way, and the log is not faulted.
            await Assert.ThrowsAsync<StorageFullException>(() => log.AppendAsync(Payload.For(-1, 100_000)));
            Assert.Equal(acknowledged, log.NextSequence);

            Assert.True(TinyFileSystem.Resize(mount, "4m"));
            // The same log object, no reopen: the failed appends' sequence numbers are handed out again.
            for (long i = acknowledged; i < acknowledged + 50; i++)
            {
                Assert.Equal(i, await log.AppendAsync(Payload.For((int)i, 1000)));
            }
        }
        using var reopened = PartitionLog.Open(logDir, options);
        // Exactly what was acknowledged: nothing of the failed writes reads back as a record.
        Assert.Equal(acknowledged + 50, reopened.NextSequence);
        IReadOnlyList<StoredRecord> all = reopened.Read(0, int.MaxValue);
        Assert.Equal(acknowledged + 50, all.Count);
        for (int i = 0; i < all.Count; i++)
        {
            Assert.Equal(Payload.For(i, 1000), all[i].Body);
        }
    }

    [SkippableTheory]
    [InlineData(1000, 1)]
    [InlineData(3000, 8)]
    [InlineData(7000, 16)]
    [InlineData(20000, 4)]
    public async Task A_full_disk_that_interrupts_a_roll_keeps_what_the_roll_sealed_and_the_log_takes_appends_once_space_is_freed(int recordSize, int inFlight)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to mount a small tmpfs");
        using var dir = new TempDirectory();
        string mount = dir.Sub("tiny");
        Directory.CreateDirectory(mount);
        using var mounted = TinyFileSystem.Mount(mount, "256k");
        Skip.If(mounted is null, "mount -t tmpfs is not permitted here");
        string logDir = Path.Combine(mount, "log");
        var options = new LogOptions { SegmentSize = 64 * 1024 }; // rolls every few records, so the disk fills during rolls too
        var acknowledged = new Dictionary<long, int>(); // sequence → payload id
        int nextId = 0;
        using (var log = PartitionLog.Open(logDir, options))
        {
            bool full = false;
            while (!full && nextId < 100_000)
            {
                // Several appends in flight share a pass of the group commit, so a pass can span a roll.
                var wave = Enumerable.Range(nextId, inFlight).Select(id => (Id: id, Append: log.AppendAsync(Payload.For(id, recordSize)))).ToList();
                nextId += inFlight;
                foreach ((int id, Task<long> append) in wave)
                {
                    try
                    {
                        acknowledged.Add(await append, id);
                    }
                    catch (StorageException ex)
                    {
                        Assert.IsType<StorageFullException>(ex); // rolled back, not faulted
                        full = true;
                    }
                }
            }
            Assert.True(full);
            // 256 KiB hold about a dozen 20 KB records less the segment and tail.base pages: enough that several were taken.
            Assert.True(acknowledged.Count > 5, $"{acknowledged.Count} records acknowledged before the disk was full");
            await Assert.ThrowsAsync<StorageFullException>(() => log.AppendAsync(Payload.For(-1, 200_000)));

            Assert.True(TinyFileSystem.Resize(mount, "4m"));
            for (int i = 0; i < 50; i++)
            {
                long expected = log.NextSequence;
                int id = nextId++;
                Assert.Equal(expected, await log.AppendAsync(Payload.For(id, recordSize)));
                acknowledged.Add(expected, id);
            }
        }
        using var reopened = PartitionLog.Open(logDir, options);
        IReadOnlyList<StoredRecord> all = reopened.Read(0, int.MaxValue);
        // Dense and exactly what was acknowledged: nothing of a failed pass reads back as a record.
        Assert.Equal(acknowledged.Count, all.Count);
        Assert.Equal(acknowledged.Count, reopened.NextSequence);
        foreach (StoredRecord r in all)
        {
            Assert.Equal(Payload.For(acknowledged[r.Sequence], recordSize), r.Body);
        }
    }
}
