using Omnibus.Core.Streams;

namespace Omnibus.Core.Tests.Streams;

public class GroupOffsetTests
{
    [Fact]
    public async Task Committed_offsets_and_their_metadata_survive_a_restart()
    {
        using var h = new StreamHarness();
        h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 2 });
        await h.Streams.CommitOffsetsAsync("g", [new OffsetCommit("s", 0, 5, "meta"), new OffsetCommit("s", 1, 7)]);
        await h.Streams.CommitOffsetAsync("g", "s", 0, 9, "later");
        await h.Streams.CommitOffsetAsync("other", "s", 0, 1);
        long commitTime = h.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        h.Restart();

        Assert.Equal(new CommittedOffset(9, "later", commitTime), h.Streams.FetchOffset("g", "s", 0));
        Assert.Equal(7, h.Streams.FetchOffset("g", "s", 1)!.Offset);
        Assert.Null(h.Streams.FetchOffset("g", "s", 1)!.Metadata);
        Assert.Equal(1, h.Streams.FetchOffset("other", "s", 0)!.Offset);
        Assert.Null(h.Streams.FetchOffset("G", "s", 0));
        Assert.Equal(["g", "other"], h.Streams.ListGroups());
        Assert.Equal(2, h.Streams.FetchOffsets("g").Count);
    }

    [Fact]
    public async Task A_lower_commit_is_the_clients_explicit_choice_and_is_kept()
    {
        using var h = new StreamHarness();
        h.Streams.Create(new StreamDefinition { Name = "s" });
        await h.Streams.CommitOffsetAsync("g", "s", 0, 10);
        await h.Streams.CommitOffsetAsync("g", "s", 0, 4);
        h.Restart();
        Assert.Equal(4, h.Streams.FetchOffset("g", "s", 0)!.Offset);
    }

    [Fact]
    public async Task A_reset_forgets_the_groups_offsets_durably()
    {
        using var h = new StreamHarness();
        h.Streams.Create(new StreamDefinition { Name = "s" });
        h.Streams.Create(new StreamDefinition { Name = "t" });
        await h.Streams.CommitOffsetAsync("g", "s", 0, 3);
        await h.Streams.CommitOffsetAsync("g", "t", 0, 3);
        await h.Streams.ResetOffsetsAsync("g", "s");
        h.Restart();
        Assert.Null(h.Streams.FetchOffset("g", "s", 0));
        Assert.Equal(3, h.Streams.FetchOffset("g", "t", 0)!.Offset);
    }

    [Fact]
    public async Task Offsets_survive_restarts_after_snapshots_trim_the_commit_log()
    {
        using var h = new StreamHarness(offsetSnapshotEvery: 50);
        h.Streams.Create(new StreamDefinition { Name = "s", PartitionCount = 3 });
        for (int i = 0; i < 400; i++)
        {
            await h.Streams.CommitOffsetAsync("g", "s", i % 3, i);
            if (i % 100 == 0)
            {
                await h.Streams.SweepAsync();
            }
        }
        h.Restart();
        Assert.Equal(399, h.Streams.FetchOffset("g", "s", 0)!.Offset);
        Assert.Equal(397, h.Streams.FetchOffset("g", "s", 1)!.Offset);
        Assert.Equal(398, h.Streams.FetchOffset("g", "s", 2)!.Offset);
        Assert.True(TestStore.Current.Exists(Path.Combine(h.Streams.Directory, "offsets", "snapshot.json")));
    }

    [Fact]
    public async Task Commits_to_unknown_streams_or_partitions_and_bad_values_are_refused()
    {
        using var h = new StreamHarness();
        h.Streams.Create(new StreamDefinition { Name = "s" });
        Assert.Equal(MessagingErrorCode.EntityNotFound, (await Assert.ThrowsAsync<MessagingException>(() => h.Streams.CommitOffsetAsync("g", "nope", 0, 1))).Code);
        Assert.Equal(MessagingErrorCode.EntityNotFound, (await Assert.ThrowsAsync<MessagingException>(() => h.Streams.CommitOffsetAsync("g", "s", 1, 1))).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, (await Assert.ThrowsAsync<MessagingException>(() => h.Streams.CommitOffsetAsync("g", "s", 0, -1))).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, (await Assert.ThrowsAsync<MessagingException>(() => h.Streams.CommitOffsetAsync("", "s", 0, 1))).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, (await Assert.ThrowsAsync<MessagingException>(() => h.Streams.CommitOffsetAsync("g", "s", 0, 1, new string('m', 5000)))).Code);
        Assert.Empty(h.Streams.ListGroups());
    }
}
