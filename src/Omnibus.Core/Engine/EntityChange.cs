namespace Omnibus.Core.Engine;

/// <summary>What kind of entity a catalog change is about.</summary>
public enum EntityKind
{
    Queue,
    Topic,
    Subscription,

    /// <summary>A routing exchange (docs/core.md, "Routing").</summary>
    Exchange,

    /// <summary>A binding: <see cref="EntityChange.Name"/> is its destination, <see cref="EntityChange.Topic"/> its source exchange.</summary>
    Binding,

    /// <summary>A stream (docs/core.md, "Streams"); named only by <see cref="QuarantinedEntity"/>.</summary>
    Stream,
}

/// <summary>How the catalog changed.</summary>
public enum EntityChangeKind
{
    Created,
    Updated,
    Deleted,
}

/// <summary>
/// One change of the entity catalog, raised by <see cref="Broker.EntityChanged"/> once it is durable:
/// front-ends watch it to keep their own views (RabbitMQ exchanges, Kafka metadata, SQS queue URLs)
/// in step whoever made the change. <see cref="Topic"/> is the parent: the topic of a subscription,
/// the source exchange of a binding; a rule change is an update of its subscription.
/// </summary>
public readonly record struct EntityChange(EntityKind Kind, string Name, EntityChangeKind Change, string? Topic = null);
