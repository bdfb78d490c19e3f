using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>A link attached by the peer. This side always answers attaches, never initiates them.</summary>
internal abstract class AmqpLink
{
    protected AmqpLink(AmqpSession session, Attach attach, string? address)
    {
        Session = session;
        RemoteAttach = attach;
        Name = attach.Name;
        Handle = attach.Handle;
        Address = address;
    }

    public AmqpSession Session { get; }

    public AmqpConnection Connection => Session.Connection;

    public ConnectionWriter Writer => Session.Connection.Writer;

    public Attach RemoteAttach { get; }

    public string Name { get; }

    /// <summary>This side uses the peer's handle number for the link too (links are only ever peer-initiated).</summary>
    public uint Handle { get; }

    /// <summary>The entity address (normalized) for logs.</summary>
    public string? Address { get; }

    /// <summary>True once this side sent its detach.</summary>
    public bool DetachSent { get; set; }

    /// <summary>Sends the attach reply and starts whatever the link does.</summary>
    public abstract void Start();

    public virtual void OnFlow(in Flow flow)
    {
    }

    /// <summary>The link is gone (detached, session ended, connection closed): stop and give back locks.</summary>
    public virtual void Release()
    {
    }

    /// <summary>Detaches this link with an error (link scope of the error ladder).</summary>
    public void Fail(AmqpError error) => Session.DetachWithError(this, error);
}
