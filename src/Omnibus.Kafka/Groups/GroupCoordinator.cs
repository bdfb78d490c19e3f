using System.Collections.Concurrent;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Groups;

/// <summary>
/// The classic group protocol's broker side: members join (a rebalance waits for every known member
/// to rejoin, or for the rebalance time-out), one generation per completed join, the leader (the
/// client, which runs the assignor) hands out assignments in SyncGroup, heartbeats keep sessions and
/// tell members of a rebalance, leaving or a missed session time-out starts one. Group membership is
/// in memory, as in Kafka it is rebuilt by the clients rejoining; committed offsets are the core's.
/// </summary>
internal sealed partial class GroupCoordinator : IDisposable
{
    private readonly ConcurrentDictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);
    private readonly KafkaOptions _options;
    private readonly TimeProvider _clock;
    private readonly ITimer _tick;

    public GroupCoordinator(KafkaOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        // One tick for every group's deadlines: rebalance time-outs, the initial delay, sessions.
        _tick = clock.CreateTimer(_ => Tick(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public ConsumerGroup? Find(string groupId) => _groups.TryGetValue(groupId, out ConsumerGroup? g) ? g : null;

    public IEnumerable<ConsumerGroup> All => _groups.Values;

    private long Now => _clock.GetTimestamp();

    private long After(TimeSpan span) => Now + (long)(span.TotalSeconds * _clock.TimestampFrequency);

    public Task<JoinResult> JoinAsync(string groupId, string memberId, string? instanceId, TimeSpan session, TimeSpan rebalance, string protocolType, List<GroupProtocol> protocols, string clientId, string clientHost, bool requireKnownMemberId, bool supportsSkipAssignment = false)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return Task.FromResult(JoinResult.Failed(ErrorCode.InvalidGroupId, memberId));
        }
        if (session < _options.MinSessionTimeout || session > _options.MaxSessionTimeout)
        {
            return Task.FromResult(JoinResult.Failed(ErrorCode.InvalidSessionTimeout, memberId));
        }
        ConsumerGroup group = _groups.GetOrAdd(groupId, id => new ConsumerGroup(id));
        lock (group.Gate)
        {
            if (group.State == GroupState.Dead)
            {
                return Task.FromResult(JoinResult.Failed(ErrorCode.CoordinatorNotAvailable, memberId));
            }
            if (group.Members.Count > 0 && (group.ProtocolType != protocolType || !protocols.Any(p => group.Members.Values.All(m => m.Protocols.Any(o => o.Name == p.Name)))))
            {
                return Task.FromResult(JoinResult.Failed(ErrorCode.InconsistentGroupProtocol, memberId));
            }
            GroupMember? member;
            if (memberId.Length == 0)
            {
                string newId = (clientId.Length > 0 ? clientId : "member") + "-" + Guid.NewGuid().ToString("D");
                if (instanceId is not null && group.Members.Values.FirstOrDefault(m => m.InstanceId == instanceId) is { } old)
                {
                    if (TryRejoinStatic(group, old, newId, protocols, supportsSkipAssignment) is { } rejoined)
                    {
                        return Task.FromResult(rejoined);
                    }
                    // A static member back under a new id takes the old one's place.
                    Remove(group, old, ErrorCode.FencedInstanceId);
                }
                else if (requireKnownMemberId)
                {
                    group.PendingIds.Add(newId);
                    return Task.FromResult(JoinResult.Failed(ErrorCode.MemberIdRequired, newId));
                }
                member = new GroupMember(newId);
                group.Members[newId] = member;
            }
            else if (Fenced(group, memberId, instanceId) is { } fenced)
            {
                return Task.FromResult(JoinResult.Failed(fenced, memberId));
            }
            else if (!group.Members.TryGetValue(memberId, out member))
            {
                if (!group.PendingIds.Remove(memberId))
                {
                    return Task.FromResult(JoinResult.Failed(ErrorCode.UnknownMemberId, memberId));
                }
                member = new GroupMember(memberId);
                group.Members[memberId] = member;
            }
            member.InstanceId = instanceId;
            member.ClientId = clientId;
            member.ClientHost = clientHost;
            member.SessionTimeout = session;
            member.RebalanceTimeout = rebalance;
            member.Protocols = protocols;
            member.LastSeen = Now;
            group.ProtocolType = protocolType;
            member.JoinWaiter?.TrySetResult(JoinResult.Failed(ErrorCode.RebalanceInProgress, member.Id));
            member.JoinWaiter = new TaskCompletionSource<JoinResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<JoinResult> answer = member.JoinWaiter.Task;
            if (group.State != GroupState.PreparingRebalance)
            {
                StartRebalance(group, initial: group.State == GroupState.Empty);
            }
            member.Joined = true;
            TryCompleteJoin(group);
            return answer;
        }
    }

    public Task<SyncResult> SyncAsync(string groupId, int generation, string memberId, IReadOnlyDictionary<string, byte[]> assignments, string? instanceId = null)
    {
        if (Find(groupId) is not { } group)
        {
            return Task.FromResult(new SyncResult(ErrorCode.UnknownMemberId, null, null, []));
        }
        lock (group.Gate)
        {
            if (Fenced(group, memberId, instanceId) is { } fenced)
            {
                return Task.FromResult(new SyncResult(fenced, null, null, []));
            }
            if (!group.Members.TryGetValue(memberId, out GroupMember? member))
            {
                return Task.FromResult(new SyncResult(ErrorCode.UnknownMemberId, null, null, []));
            }
            if (generation != group.Generation)
            {
                return Task.FromResult(new SyncResult(ErrorCode.IllegalGeneration, null, null, []));
            }
            member.LastSeen = Now;
            switch (group.State)
            {
                case GroupState.Stable:
                    return Task.FromResult(new SyncResult(ErrorCode.None, group.ProtocolType, group.Protocol, member.Assignment));
                case GroupState.CompletingRebalance:
                    member.SyncWaiter?.TrySetResult(new SyncResult(ErrorCode.RebalanceInProgress, null, null, []));
                    member.SyncWaiter = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                    Task<SyncResult> answer = member.SyncWaiter.Task;
                    if (memberId == group.Leader)
                    {
                        foreach (GroupMember m in group.Members.Values)
                        {
                            m.Assignment = assignments.TryGetValue(m.Id, out byte[]? a) ? a : [];
                        }
                        group.State = GroupState.Stable;
                        foreach (GroupMember m in group.Members.Values)
                        {
                            m.SyncWaiter?.TrySetResult(new SyncResult(ErrorCode.None, group.ProtocolType, group.Protocol, m.Assignment));
                            m.SyncWaiter = null;
                        }
                    }
                    return answer;
                default:
                    return Task.FromResult(new SyncResult(ErrorCode.RebalanceInProgress, null, null, []));
            }
        }
    }

    // Takes a member out and moves the group on: a rebalance for those left, or empty.
    private void Remove(ConsumerGroup group, GroupMember member, ErrorCode toWaiters)
    {
        group.Members.Remove(member.Id);
        member.JoinWaiter?.TrySetResult(JoinResult.Failed(toWaiters, member.Id));
        member.SyncWaiter?.TrySetResult(new SyncResult(toWaiters, null, null, []));
        if (group.Leader == member.Id)
        {
            group.Leader = null;
        }
        if (group.Members.Count == 0)
        {
            group.State = GroupState.Empty;
            group.Generation++;
            group.Protocol = null;
            return;
        }
        if (group.State != GroupState.PreparingRebalance)
        {
            StartRebalance(group, initial: false);
        }
        TryCompleteJoin(group);
    }

    private void StartRebalance(ConsumerGroup group, bool initial)
    {
        foreach (GroupMember m in group.Members.Values)
        {
            m.Joined = m.JoinWaiter is { Task.IsCompleted: false };
            m.SyncWaiter?.TrySetResult(new SyncResult(ErrorCode.RebalanceInProgress, null, null, []));
            m.SyncWaiter = null;
        }
        group.State = GroupState.PreparingRebalance;
        TimeSpan longest = group.Members.Values.Select(m => m.RebalanceTimeout).DefaultIfEmpty(TimeSpan.FromSeconds(60)).Max();
        group.RebalanceDeadline = After(longest);
        group.InitialDelayUntil = initial ? After(TimeSpan.FromTicks(Math.Min(_options.InitialRebalanceDelay.Ticks, longest.Ticks))) : 0;
    }

    private void TryCompleteJoin(ConsumerGroup group, bool deadlinePassed = false)
    {
        if (group.State != GroupState.PreparingRebalance)
        {
            return;
        }
        bool allJoined = group.Members.Values.All(m => m.Joined);
        if (!deadlinePassed && (!allJoined || Now < group.InitialDelayUntil))
        {
            return;
        }
        foreach (GroupMember late in group.Members.Values.Where(m => !m.Joined).ToList())
        {
            group.Members.Remove(late.Id);
        }
        if (group.Members.Count == 0)
        {
            group.State = GroupState.Empty;
            return;
        }
        group.Generation++;
        group.Protocol = ChooseProtocol(group);
        if (group.Leader is null || !group.Members.ContainsKey(group.Leader))
        {
            group.Leader = group.Members.Keys.First();
        }
        group.State = GroupState.CompletingRebalance;
        var everyone = group.Members.Values.Select(m => (m.Id, m.InstanceId, m.MetadataFor(group.Protocol))).ToList();
        foreach (GroupMember m in group.Members.Values)
        {
            m.Assignment = [];
            m.LastSeen = Now;
            m.Joined = false;
            m.JoinWaiter?.TrySetResult(new JoinResult(ErrorCode.None, group.Generation, group.ProtocolType, group.Protocol, group.Leader, m.Id, m.Id == group.Leader ? everyone : []));
            m.JoinWaiter = null;
        }
    }

    // Each member votes for its first choice among the protocols every member offers; most votes win.
    private static string? ChooseProtocol(ConsumerGroup group)
    {
        List<GroupMember> members = [.. group.Members.Values];
        var common = members[0].Protocols.Select(p => p.Name).Where(n => members.All(m => m.Protocols.Any(p => p.Name == n))).ToList();
        return common.Count == 0
            ? null
            : common.OrderByDescending(n => members.Count(m => m.Protocols.First(p => common.Contains(p.Name)).Name == n)).ThenBy(common.IndexOf).First();
    }

    private void Tick()
    {
        long now = Now;
        foreach (ConsumerGroup group in _groups.Values)
        {
            lock (group.Gate)
            {
                if (group.State == GroupState.PreparingRebalance)
                {
                    TryCompleteJoin(group, deadlinePassed: now >= group.RebalanceDeadline);
                }
                foreach (GroupMember m in group.Members.Values.ToList())
                {
                    bool waiting = m.JoinWaiter is { Task.IsCompleted: false };
                    if (!waiting && now - m.LastSeen > (long)(m.SessionTimeout.TotalSeconds * _clock.TimestampFrequency))
                    {
                        Remove(group, m, ErrorCode.UnknownMemberId);
                    }
                }
            }
        }
    }

    public void Dispose() => _tick.Dispose();
}
