using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Groups;

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// Forgets an empty group's membership state (DeleteGroups); its committed offsets are the
    /// caller's to delete. A group with members is NON_EMPTY_GROUP; one this coordinator does not
    /// know is found by its offsets (<paramref name="hasOffsets"/>) or GROUP_ID_NOT_FOUND.
    /// </summary>
    public ErrorCode Delete(string groupId, bool hasOffsets)
    {
        if (Find(groupId) is not { } group)
        {
            return hasOffsets ? ErrorCode.None : ErrorCode.GroupIdNotFound;
        }
        lock (group.Gate)
        {
            if (group.Members.Count > 0)
            {
                return ErrorCode.NonEmptyGroup;
            }
            // A join that found this group before it was removed sees Dead and is told to retry.
            group.State = GroupState.Dead;
            _groups.TryRemove(new KeyValuePair<string, ConsumerGroup>(groupId, group));
            return ErrorCode.None;
        }
    }
}
