using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Groups;

/// <summary>The states of a classic consumer group, named as DescribeGroups reports them.</summary>
internal enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

/// <summary>One protocol (assignor) a member offers, with its opaque subscription metadata.</summary>
internal sealed record GroupProtocol(string Name, byte[] Metadata);

/// <summary>What a JoinGroup answers.</summary>
internal sealed record JoinResult(ErrorCode Error, int Generation, string? ProtocolType, string? Protocol, string Leader, string MemberId, IReadOnlyList<(string MemberId, string? InstanceId, byte[] Metadata)> Members, bool SkipAssignment = false)
{
    public static JoinResult Failed(ErrorCode error, string memberId = "") => new(error, -1, null, null, string.Empty, memberId, []);
}

/// <summary>What a SyncGroup answers.</summary>
internal sealed record SyncResult(ErrorCode Error, string? ProtocolType, string? Protocol, byte[] Assignment);

/// <summary>A member of a group: its session, its protocols, its assignment and the request waiting for the group's next step.</summary>
internal sealed class GroupMember(string id)
{
    public string Id { get; } = id;

    public string? InstanceId { get; set; }

    public string ClientId { get; set; } = string.Empty;

    public string ClientHost { get; set; } = string.Empty;

    public TimeSpan SessionTimeout { get; set; }

    public TimeSpan RebalanceTimeout { get; set; }

    public List<GroupProtocol> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    public long LastSeen { get; set; }

    /// <summary>Joined the rebalance under way.</summary>
    public bool Joined { get; set; }

    public TaskCompletionSource<JoinResult>? JoinWaiter { get; set; }

    public TaskCompletionSource<SyncResult>? SyncWaiter { get; set; }

    public byte[] MetadataFor(string? protocol) => Protocols.FirstOrDefault(p => p.Name == protocol)?.Metadata ?? [];
}

/// <summary>A group's state; every field is read and written under the group's lock.</summary>
internal sealed class ConsumerGroup(string id)
{
    public string Id { get; } = id;

    public Lock Gate { get; } = new();

    public GroupState State { get; set; } = GroupState.Empty;

    public int Generation { get; set; }

    public string? ProtocolType { get; set; }

    public string? Protocol { get; set; }

    public string? Leader { get; set; }

    public Dictionary<string, GroupMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED and not yet used.</summary>
    public HashSet<string> PendingIds { get; } = new(StringComparer.Ordinal);

    /// <summary>When the rebalance under way gives up on members that did not rejoin.</summary>
    public long RebalanceDeadline { get; set; }

    /// <summary>A new group's first rebalance waits at least until then for more members.</summary>
    public long InitialDelayUntil { get; set; }
}
