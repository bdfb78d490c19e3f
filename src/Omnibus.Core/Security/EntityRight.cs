namespace Omnibus.Core.Security;

/// <summary>The rights the core checks on an entity (Service Bus's Send / Listen / Manage; other protocols map theirs onto them).</summary>
public enum EntityRight
{
    /// <summary>Put messages into the entity.</summary>
    Send,

    /// <summary>Receive, peek and settle its messages.</summary>
    Listen,

    /// <summary>Create, change, delete and describe entities.</summary>
    Manage,
}
