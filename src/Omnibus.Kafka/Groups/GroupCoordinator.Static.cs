using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Groups;

/// <summary>Static membership (KIP-345): a member known by its <c>group.instance.id</c> across restarts.</summary>
internal sealed partial class GroupCoordinator
{
    // FENCED_INSTANCE_ID when the instance id now belongs to another member id (an old incarnation); null otherwise.
    private static ErrorCode? Fenced(ConsumerGroup group, string memberId, string? instanceId)
    {
        if (instanceId is null)
        {
            return null;
        }
        GroupMember? holder = group.Members.Values.FirstOrDefault(m => m.InstanceId == instanceId);
        return holder is not null && holder.Id != memberId ? ErrorCode.FencedInstanceId : null;
    }

    /// <summary>
    /// A static member back under a new member id while the group is stable, offering the same
    /// protocols: it takes the old member's place and assignment, no rebalance, and the old id is
    /// fenced. A returning leader keeps leading only with JoinGroup v9 (skip_assignment: it must not
    /// assign again); before that, and in any other state, null: the caller replaces the member
    /// through a rebalance.
    /// </summary>
    private JoinResult? TryRejoinStatic(ConsumerGroup group, GroupMember old, string newId, List<GroupProtocol> protocols, bool supportsSkipAssignment)
    {
        bool leader = group.Leader == old.Id;
        bool sameProtocols = old.Protocols.Select(p => p.Name).SequenceEqual(protocols.Select(p => p.Name));
        if (group.State != GroupState.Stable || !sameProtocols || (leader && !supportsSkipAssignment))
        {
            return null;
        }
        var member = new GroupMember(newId)
        {
            InstanceId = old.InstanceId,
            ClientId = old.ClientId,
            ClientHost = old.ClientHost,
            SessionTimeout = old.SessionTimeout,
            RebalanceTimeout = old.RebalanceTimeout,
            Protocols = protocols,
            Assignment = old.Assignment,
            LastSeen = Now,
        };
        group.Members.Remove(old.Id);
        old.JoinWaiter?.TrySetResult(JoinResult.Failed(ErrorCode.FencedInstanceId, old.Id));
        old.SyncWaiter?.TrySetResult(new SyncResult(ErrorCode.FencedInstanceId, null, null, []));
        group.Members[newId] = member;
        if (leader)
        {
            group.Leader = newId;
        }
        var everyone = leader ? group.Members.Values.Select(m => (m.Id, m.InstanceId, m.MetadataFor(group.Protocol))).ToList() : [];
        return new JoinResult(ErrorCode.None, group.Generation, group.ProtocolType, group.Protocol, group.Leader!, newId, everyone, SkipAssignment: leader);
    }
}
