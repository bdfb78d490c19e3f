namespace Omnibus.Amqp091.Management;

/// <summary>
/// Options of RabbitMQ's management HTTP API (docs/amqp091.md, Management HTTP API). Users and the guest rule
/// are the AMQP front-end's (<see cref="Amqp091Options.Users"/>, <see cref="Amqp091Options.GuestFromLoopbackOnly"/>);
/// the listener's address and port (default 15672) are the host's.
/// </summary>
public sealed class RabbitMqManagementOptions
{
    /// <summary>How often message counters are sampled for the <c>*_details.rate</c> figures. Default 5 s, RabbitMQ's <c>collect_statistics_interval</c>.</summary>
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>cluster_name</c> reported. Default <c>omnibus</c>, as the AMQP server properties say.</summary>
    public string ClusterName { get; set; } = "omnibus";

    /// <summary>The node name reported (<c>node</c> fields, <c>/api/nodes</c>). Default <c>omnibus@</c> and the machine name.</summary>
    public string NodeName { get; set; } = "omnibus@" + Environment.MachineName;

    /// <summary>The largest <c>page_size</c> a paged list accepts. Default 500, RabbitMQ's.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (StatisticsInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(nameof(StatisticsInterval), StatisticsInterval, "StatisticsInterval must be at least 100 ms.");
        }
        if (string.IsNullOrWhiteSpace(ClusterName))
        {
            throw new ArgumentException("ClusterName must be set.", nameof(ClusterName));
        }
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            throw new ArgumentException("NodeName must be set.", nameof(NodeName));
        }
        if (MaxPageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPageSize), MaxPageSize, "MaxPageSize must be at least 1.");
        }
    }
}
