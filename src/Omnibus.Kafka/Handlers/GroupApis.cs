using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Groups;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// FindCoordinator (v0–4), JoinGroup (v0–9), SyncGroup (v0–5), Heartbeat (v0–4), LeaveGroup (v0–5),
/// DescribeGroups (v0–5), ListGroups (v0–4) over the <see cref="GroupCoordinator"/>. This broker
/// coordinates every group and every transactional id.
/// </summary>
internal static class GroupApis
{
    public static bool FindCoordinator(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string? key = v <= 3 ? r.String() : null;
        sbyte keyType = v >= 1 ? r.Int8() : (sbyte)0;
        List<string> keys = v >= 4 ? r.NullableStringArray() ?? [] : [key!];
        // Key type 0 is a group, 1 a transactional id: this broker coordinates both.
        ErrorCode error = keyType is 0 or 1 ? ErrorCode.None : ErrorCode.InvalidRequest;
        string? message = error == ErrorCode.None ? null : $"Coordinator key type {keyType} is not known.";
        int node = error == ErrorCode.None ? request.Services.Options.NodeId : -1;
        string host = error == ErrorCode.None ? request.AdvertisedHost : string.Empty;
        int port = error == ErrorCode.None ? request.AdvertisedPort : -1;
        KafkaWriter w = request.Writer;
        if (v >= 1)
        {
            w.Int32(0);
        }
        if (v <= 3)
        {
            w.Int16((short)error);
            if (v >= 1)
            {
                w.NullableString(message);
            }
            w.Int32(node).String(host).Int32(port);
        }
        else
        {
            w.Array(keys, (w, k) => w.String(k).Int32(node).String(host).Int32(port).Int16((short)error).NullableString(message));
        }
        w.Tags();
        return true;
    }

    public static async Task<bool> JoinAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string groupId = r.String();
        int session = r.Int32();
        int rebalance = v >= 1 ? r.Int32() : session;
        string memberId = r.String();
        string? instanceId = v >= 5 ? r.NullableString() : null;
        string protocolType = r.String();
        List<GroupProtocol> protocols = r.Array(r => new GroupProtocol(r.String(), r.Bytes().ToArray()));
        JoinResult result = await request.Services.Groups.JoinAsync(groupId, memberId, instanceId, TimeSpan.FromMilliseconds(session), TimeSpan.FromMilliseconds(Math.Max(rebalance, session)),
            protocolType, protocols, request.Client.ClientId ?? string.Empty, request.Client.RemoteAddress ?? string.Empty, requireKnownMemberId: v >= 4, supportsSkipAssignment: v >= 9).ConfigureAwait(false);
        KafkaWriter w = request.Writer;
        if (v >= 2)
        {
            w.Int32(0);
        }
        w.Int16((short)result.Error).Int32(result.Generation);
        if (v >= 7)
        {
            w.NullableString(result.ProtocolType);
            w.NullableString(result.Protocol);
        }
        else
        {
            w.String(result.Protocol ?? string.Empty);
        }
        w.String(result.Leader);
        if (v >= 9)
        {
            w.Bool(result.SkipAssignment);
        }
        w.String(result.MemberId);
        w.Array(result.Members, (w, m) =>
        {
            w.String(m.MemberId);
            if (v >= 5)
            {
                w.NullableString(m.InstanceId);
            }
            w.Bytes(m.Metadata);
        });
        w.Tags();
        return true;
    }

    public static async Task<bool> SyncAsync(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string groupId = r.String();
        int generation = r.Int32();
        string memberId = r.String();
        string? instanceId = v >= 3 ? r.NullableString() : null;
        if (v >= 5)
        {
            r.NullableString();
            r.NullableString();
        }
        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string member, byte[] assignment) in r.Array(r => (r.String(), r.Bytes().ToArray())))
        {
            assignments[member] = assignment;
        }
        SyncResult result = await request.Services.Groups.SyncAsync(groupId, generation, memberId, assignments, instanceId).ConfigureAwait(false);
        KafkaWriter w = request.Writer;
        if (v >= 1)
        {
            w.Int32(0);
        }
        w.Int16((short)result.Error);
        if (v >= 5)
        {
            w.NullableString(result.ProtocolType).NullableString(result.Protocol);
        }
        w.Bytes(result.Assignment).Tags();
        return true;
    }

    public static bool Heartbeat(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        string groupId = r.String();
        int generation = r.Int32();
        string memberId = r.String();
        string? instanceId = request.Version >= 3 ? r.NullableString() : null;
        ErrorCode error = request.Services.Groups.Heartbeat(groupId, generation, memberId, instanceId);
        if (request.Version >= 1)
        {
            request.Writer.Int32(0);
        }
        request.Writer.Int16((short)error).Tags();
        return true;
    }

    public static bool Leave(KafkaRequest request)
    {
        short v = request.Version;
        KafkaReader r = request.Reader;
        string groupId = r.String();
        List<(string MemberId, string? InstanceId)> members = v <= 2
            ? [(r.String(), null)]
            : r.Array(r =>
            {
                string id = r.String();
                string? instance = r.NullableString();
                if (v >= 5)
                {
                    r.NullableString();
                }
                return (id, instance);
            });
        var results = members.Select(m => (m.MemberId, m.InstanceId, Error: request.Services.Groups.Leave(groupId, m.MemberId, m.InstanceId))).ToList();
        KafkaWriter w = request.Writer;
        if (v >= 1)
        {
            w.Int32(0);
        }
        if (v <= 2)
        {
            w.Int16((short)results[0].Error);
        }
        else
        {
            w.Int16(0);
            w.Array(results, (w, m) => w.String(m.MemberId).NullableString(m.InstanceId).Int16((short)m.Error));
        }
        w.Tags();
        return true;
    }

    public static bool Describe(KafkaRequest request)
    {
        short v = request.Version;
        List<string> ids = request.Reader.NullableStringArray() ?? [];
        KafkaWriter w = request.Writer;
        if (v >= 1)
        {
            w.Int32(0);
        }
        w.Array(ids, (w, id) =>
        {
            ConsumerGroup? group = request.Services.Groups.Find(id);
            if (group is null)
            {
                bool hasOffsets = request.Services.Streams.FetchOffsets(id).Count > 0;
                w.Int16(0).String(id).String(hasOffsets ? nameof(GroupState.Empty) : nameof(GroupState.Dead)).String(hasOffsets ? "consumer" : string.Empty).String(string.Empty).ArrayLength(0);
            }
            else
            {
                lock (group.Gate)
                {
                    w.Int16(0).String(id).String(group.State.ToString()).String(group.ProtocolType ?? string.Empty).String(group.Protocol ?? string.Empty);
                    w.Array(group.Members.Values, (w, m) =>
                    {
                        w.String(m.Id);
                        if (v >= 4)
                        {
                            w.NullableString(m.InstanceId);
                        }
                        w.String(m.ClientId).String(m.ClientHost).Bytes(m.MetadataFor(group.Protocol)).Bytes(m.Assignment);
                    });
                }
            }
            if (v >= 3)
            {
                w.Int32(int.MinValue);
            }
        });
        w.Tags();
        return true;
    }

    public static bool List(KafkaRequest request)
    {
        short v = request.Version;
        List<string>? states = v >= 4 ? request.Reader.NullableStringArray() : null;
        var listed = new Dictionary<string, (string Type, string State)>(StringComparer.Ordinal);
        foreach (string id in request.Services.Streams.ListGroups())
        {
            listed[id] = ("consumer", nameof(GroupState.Empty));
        }
        foreach (ConsumerGroup g in request.Services.Groups.All)
        {
            lock (g.Gate)
            {
                if (g.Members.Count > 0 || listed.ContainsKey(g.Id))
                {
                    listed[g.Id] = (g.ProtocolType ?? "consumer", g.State.ToString());
                }
            }
        }
        var groups = listed.Where(g => states is not { Count: > 0 } || states.Contains(g.Value.State, StringComparer.OrdinalIgnoreCase)).ToList();
        KafkaWriter w = request.Writer;
        if (v >= 1)
        {
            w.Int32(0);
        }
        w.Int16(0);
        w.Array(groups, (w, g) =>
        {
            w.String(g.Key).String(g.Value.Type);
            if (v >= 4)
            {
                w.String(g.Value.State);
            }
        });
        w.Tags();
        return true;
    }
}
