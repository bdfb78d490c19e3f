using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Groups;

/// <summary>Heartbeats, the checks of offset commits, and leaving.</summary>
internal sealed partial class GroupCoordinator
{
    public ErrorCode Heartbeat(string groupId, int generation, string memberId, string? instanceId = null)
    {
        if (Find(groupId) is not { } group)
        {
            return ErrorCode.UnknownMemberId;
        }
        lock (group.Gate)
        {
            if (Fenced(group, memberId, instanceId) is { } fenced)
            {
                return fenced;
            }
            if (!group.Members.TryGetValue(memberId, out GroupMember? member))
            {
                return ErrorCode.UnknownMemberId;
            }
            member.LastSeen = Now;
            if (group.State == GroupState.PreparingRebalance)
            {
                return ErrorCode.RebalanceInProgress;
            }
            return generation != group.Generation ? ErrorCode.IllegalGeneration : ErrorCode.None;
        }
    }

    /// <summary>Whether an offset commit from this member and generation is allowed now.</summary>
    public ErrorCode CheckCommit(string groupId, int generation, string memberId, string? instanceId = null)
    {
        if (Find(groupId) is not { } group)
        {
            return generation < 0 ? ErrorCode.None : ErrorCode.UnknownMemberId;
        }
        lock (group.Gate)
        {
            if (generation < 0 && memberId.Length == 0)
            {
                // A commit from outside the group (assign() consumers, admin tools): only while nobody is in it.
                return group.Members.Count == 0 ? ErrorCode.None : ErrorCode.UnknownMemberId;
            }
            if (Fenced(group, memberId, instanceId) is { } fenced)
            {
                return fenced;
            }
            if (!group.Members.TryGetValue(memberId, out GroupMember? member))
            {
                return ErrorCode.UnknownMemberId;
            }
            if (generation != group.Generation)
            {
                return ErrorCode.IllegalGeneration;
            }
            member.LastSeen = Now;
            return group.State == GroupState.CompletingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
        }
    }

    public ErrorCode Leave(string groupId, string memberId, string? instanceId)
    {
        if (Find(groupId) is not { } group)
        {
            return ErrorCode.UnknownMemberId;
        }
        lock (group.Gate)
        {
            if (memberId.Length > 0 && Fenced(group, memberId, instanceId) is { } fenced)
            {
                return fenced;
            }
            GroupMember? member = group.Members.GetValueOrDefault(memberId)
                ?? (instanceId is null ? null : group.Members.Values.FirstOrDefault(m => m.InstanceId == instanceId));
            if (member is null)
            {
                return ErrorCode.UnknownMemberId;
            }
            Remove(group, member, ErrorCode.UnknownMemberId);
            return ErrorCode.None;
        }
    }
}
