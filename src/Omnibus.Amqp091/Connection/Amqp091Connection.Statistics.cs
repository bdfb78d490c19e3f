using System.Globalization;
using System.Net;

namespace Omnibus.Amqp091.Connection;

/// <summary>What the management API shows of a connection; read from HTTP requests while the read loop runs.</summary>
internal sealed partial class Amqp091Connection
{
    /// <summary>The SASL mechanism the client logged in with.</summary>
    public string AuthMechanism { get; private set; } = "";

    /// <summary>The client's properties from <c>connection.start-ok</c> (product, version, connection_name...).</summary>
    public IReadOnlyDictionary<string, object?> ClientProperties { get; private set; } = new Dictionary<string, object?>();

    /// <summary>The negotiated channel-max.</summary>
    public ushort ChannelMax { get; private set; }

    /// <summary>The negotiated heartbeat in seconds (0: none).</summary>
    public ushort Heartbeat { get; private set; }

    /// <summary>When <c>connection.open</c> succeeded, on the broker's clock.</summary>
    public DateTimeOffset ConnectedAt { get; private set; }

    public IPEndPoint? RemoteEndPoint => _context.RemoteEndPoint as IPEndPoint;

    public IPEndPoint? LocalEndPoint => _context.LocalEndPoint as IPEndPoint;

    /// <summary>RabbitMQ's connection name: <c>peer -> local</c>.</summary>
    public string Name => $"{Format(RemoteEndPoint)} -> {Format(LocalEndPoint)}";

    /// <summary>The open channels, at this moment.</summary>
    public IReadOnlyList<Amqp091Channel> OpenChannels => [.. _channels.Values.OrderBy(c => c.Id)];

    /// <summary>The exclusive queues this connection declared and still owns.</summary>
    public IReadOnlyList<string> ExclusiveQueues => Queues.ExclusiveQueuesOf(this);

    /// <summary>
    /// An operator's close (the management API's <c>DELETE /api/connections/{name}</c>): <c>connection.close</c> 320
    /// CONNECTION_FORCED with the reason, as RabbitMQ sends it; the client answers close-ok and the connection ends
    /// (or is dropped after a moment). Called from outside the read loop: the writer serialises the frame.
    /// </summary>
    public void CloseByOperator(string reason) =>
        CloseConnection(new Codec.Amqp091Exception(Codec.ReplyCodes.ConnectionForced, "CONNECTION_FORCED - " + reason, true));

    private static string Format(IPEndPoint? endpoint) => endpoint switch
    {
        null => "unknown",
        { Address.IsIPv4MappedToIPv6: true } e => $"{e.Address.MapToIPv4()}:{e.Port.ToString(CultureInfo.InvariantCulture)}",
        { Address.AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } e => $"[{e.Address}]:{e.Port.ToString(CultureInfo.InvariantCulture)}",
        { } e => $"{e.Address}:{e.Port.ToString(CultureInfo.InvariantCulture)}",
    };
}
