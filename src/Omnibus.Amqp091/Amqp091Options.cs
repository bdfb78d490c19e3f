namespace Omnibus.Amqp091;

/// <summary>Options of the AMQP 0-9-1 front-end; defaults are RabbitMQ's (docs/amqp091.md).</summary>
public sealed class Amqp091Options
{
    /// <summary>Users and their passwords. Default: <c>guest</c> / <c>guest</c>.</summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["guest"] = "guest" };

    /// <summary>As RabbitMQ's <c>loopback_users</c>: <c>guest</c> may connect from the loopback interface only. Default true.</summary>
    public bool GuestFromLoopbackOnly { get; set; } = true;

    /// <summary>The largest frame offered in <c>connection.tune</c>. Default 131072.</summary>
    public uint FrameMax { get; set; } = 131072;

    /// <summary>The most channels offered. Default 2047.</summary>
    public ushort ChannelMax { get; set; } = 2047;

    /// <summary>The heartbeat offered. Default 60 s.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a delivery may stay unacknowledged before its channel is closed with 406 and its deliveries
    /// requeued (RabbitMQ's <c>consumer_timeout</c>, 30 minutes); a queue's <c>x-consumer-timeout</c> overrides it.
    /// A closed channel or connection requeues its deliveries at once.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a channel holding deliveries checks them against their consumer timeout. Default 5 s.</summary>
    public TimeSpan ConsumerTimeoutCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
