namespace Omnibus.Storage.Tests;

/// <summary>A segment missing at the head or in the middle of a log is reported as lost, never taken for retention.</summary>
public class LostSegmentTests
{
    private static LogOptions Small => new() { SegmentSize = 8 * 1024, IndexInterval = 512 };

    private static async Task WriteLog(TempDirectory dir, int count)
    {
        using var log = PartitionLog.Open(dir.Path, Small);
        for (int i = 0; i < count; i++)
        {
            await log.AppendAsync(Payload.For(i));
        }
    }

    private static string[] SegmentFiles(TempDirectory dir) => Directory.GetFiles(dir.Path, "*.seg").Order(StringComparer.Ordinal).ToArray();

    private static long BaseOf(string segment) => long.Parse(Path.GetFileNameWithoutExtension(segment), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_deleted_first_segment_refuses_to_open_naming_the_lost_sequences()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        File.Delete(segments[0]);

        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));

        Assert.Contains($"records 0 to {BaseOf(segments[1]) - 1} are lost", ex.Message, StringComparison.Ordinal);
        Assert.Equal(segments[0], ex.FilePath);
    }

    [Fact]
    public async Task Head_segments_deleted_by_the_log_open_cleanly_and_one_missing_after_them_is_reported()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        using (PartitionLog log = PartitionLog.Open(dir.Path, Small))
        {
            Assert.Equal(2, log.DeleteSegmentsBefore(BaseOf(segments[2])));
        }
        using (PartitionLog reopened = PartitionLog.Open(dir.Path, Small))
        {
            Assert.Equal(BaseOf(segments[2]), reopened.FirstSequence);
            Assert.True(reopened.Recovery.IsClean);
        }
        File.Delete(segments[2]);

        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));

        Assert.Contains($"records {BaseOf(segments[2])} to {BaseOf(segments[3]) - 1} are lost", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_written_before_head_markers_opens_as_before_when_its_first_segment_is_gone()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        File.Delete(Path.Combine(dir.Path, "head.base"));
        File.Delete(segments[0]);

        using PartitionLog log = PartitionLog.Open(dir.Path, Small);

        Assert.Equal(BaseOf(segments[1]), log.FirstSequence);
        Assert.Equal(300, log.NextSequence);
    }

    [Fact]
    public async Task A_single_segment_log_whose_segment_was_deleted_refuses_to_open()
    {
        using var dir = new TempDirectory();
        using (PartitionLog log = PartitionLog.Open(dir.Path, Small))
        {
            await log.AppendAsync(Payload.For(0));
        }
        File.Delete(SegmentFiles(dir).Single());

        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));

        Assert.Contains("records from sequence 0 on are lost", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_missing_in_the_middle_refuses_to_open_naming_the_segment_before_the_gap()
    {
        using var dir = new TempDirectory();
        await WriteLog(dir, 300);
        string[] segments = SegmentFiles(dir);
        File.Delete(segments[2]);

        var ex = Assert.Throws<StorageCorruptionException>(() => PartitionLog.Open(dir.Path, Small));

        Assert.Contains($"the next segment starts at {BaseOf(segments[3])}; records are missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(segments[1], ex.FilePath);
    }
}
