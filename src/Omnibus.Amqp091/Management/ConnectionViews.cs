using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Omnibus.Amqp091.Connection;

namespace Omnibus.Amqp091.Management;

/// <summary>Connections, channels and consumers as <c>/api/connections</c>, <c>/api/channels</c> and <c>/api/consumers</c> show them.</summary>
internal static class ConnectionViews
{
    public static JsonObject Connection(ManagementState state, Amqp091Connection c)
    {
        var json = new JsonObject
        {
            ["name"] = c.Name,
            ["node"] = state.Options.NodeName,
            ["vhost"] = c.VirtualHost,
            ["user"] = c.Caller.Name,
            ["user_who_performed_action"] = c.Caller.Name,
            ["state"] = "running",
            ["type"] = "network",
            ["protocol"] = "AMQP 0-9-1",
            ["auth_mechanism"] = c.AuthMechanism,
            ["ssl"] = false,
            ["peer_host"] = Host(c.RemoteEndPoint),
            ["peer_port"] = c.RemoteEndPoint?.Port,
            ["host"] = Host(c.LocalEndPoint),
            ["port"] = c.LocalEndPoint?.Port,
            ["channels"] = c.OpenChannels.Count,
            ["channel_max"] = c.ChannelMax,
            ["frame_max"] = c.FrameMax,
            ["timeout"] = c.Heartbeat,
            ["connected_at"] = ManagementHttp.Millis(c.ConnectedAt),
            ["client_properties"] = JsonTables.ToJson(c.ClientProperties),
        };
        if (c.ClientProperties.GetValueOrDefault("connection_name") is { } provided)
        {
            json["user_provided_name"] = JsonTables.ToJson(provided);
        }
        return json;
    }

    /// <summary>RabbitMQ's short form of a connection inside other objects (<c>connection_details</c>, <c>owner_pid_details</c>).</summary>
    public static JsonObject Details(Amqp091Connection c) => new()
    {
        ["name"] = c.Name,
        ["peer_host"] = Host(c.RemoteEndPoint),
        ["peer_port"] = c.RemoteEndPoint?.Port,
    };

    public static string ChannelName(Amqp091Connection c, Amqp091Channel channel) => $"{c.Name} ({channel.Id.ToString(CultureInfo.InvariantCulture)})";

    public static JsonObject Channel(ManagementState state, Amqp091Connection c, Amqp091Channel channel) => new()
    {
        ["name"] = ChannelName(c, channel),
        ["number"] = channel.Id,
        ["node"] = state.Options.NodeName,
        ["vhost"] = c.VirtualHost,
        ["user"] = c.Caller.Name,
        ["user_who_performed_action"] = c.Caller.Name,
        ["state"] = "running",
        ["consumer_count"] = channel.Consumers.Count,
        ["messages_unacknowledged"] = channel.UnacknowledgedCount,
        ["messages_unconfirmed"] = 0,
        ["messages_uncommitted"] = 0,
        ["acks_uncommitted"] = 0,
        ["prefetch_count"] = channel.Prefetch,
        ["global_prefetch_count"] = 0,
        ["confirm"] = channel.Confirming,
        ["transactional"] = channel.Transactional,
        ["connection_details"] = Details(c),
    };

    public static JsonObject Consumer(ManagementState state, Amqp091Connection c, Amqp091Channel channel, ConsumerInfo consumer) => new()
    {
        ["consumer_tag"] = consumer.Tag,
        ["queue"] = new JsonObject { ["name"] = consumer.Queue, ["vhost"] = c.VirtualHost },
        ["channel_details"] = new JsonObject
        {
            ["name"] = ChannelName(c, channel),
            ["number"] = channel.Id,
            ["connection_name"] = c.Name,
            ["peer_host"] = Host(c.RemoteEndPoint),
            ["peer_port"] = c.RemoteEndPoint?.Port,
            ["node"] = state.Options.NodeName,
            ["user"] = c.Caller.Name,
        },
        ["ack_required"] = consumer.AckRequired,
        ["prefetch_count"] = consumer.Prefetch,
        ["exclusive"] = false,
        ["active"] = true,
        ["activity_status"] = "up",
        ["arguments"] = new JsonObject(),
    };

    private static string? Host(IPEndPoint? endpoint) => endpoint?.Address switch
    {
        null => null,
        { IsIPv4MappedToIPv6: true } a => a.MapToIPv4().ToString(),
        { } a => a.ToString(),
    };
}
