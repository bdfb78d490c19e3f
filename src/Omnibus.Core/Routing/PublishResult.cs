namespace Omnibus.Core.Routing;

/// <summary>What became of one published message: whether any queue took it (RabbitMQ's mandatory flag returns it when not), and which queues did.</summary>
public readonly record struct PublishResult(bool Routed, IReadOnlyList<string> Queues);

/// <summary>Where a published message's exchange and routing key are kept on the stored message (annotations), so a later consumer or dead-lettering knows them.</summary>
public static class RoutingAnnotations
{
    /// <summary>The exchange the message was published to (the empty string for the default exchange).</summary>
    public const string Exchange = "omnibus-exchange";

    /// <summary>The routing key it was published with.</summary>
    public const string RoutingKey = "omnibus-routing-key";
}
