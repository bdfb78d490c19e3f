namespace Omnibus.Core.Engine;

/// <summary>What kind of entity a catalog change is about.</summary>
public enum EntityKind
{
    Queue,
    Topic,
    Subscription,
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
/// in step whoever made the change. <see cref="Topic"/> is set for subscriptions; a rule change is an
/// update of its subscription.
/// </summary>
public readonly record struct EntityChange(EntityKind Kind, string Name, EntityChangeKind Change, string? Topic = null);
