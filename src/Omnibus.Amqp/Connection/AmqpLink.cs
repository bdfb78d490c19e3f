using Omnibus.Amqp.Performatives;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// A link attached by the peer. This side always answers attaches, never initiates them.
/// Detaching has two steps: the link is first marked detaching (it takes no new work), then its
/// detach frame is written once the work in flight (<see cref="BeginOperation"/>) has written its
/// frames; after that no frame naming the link's handle leaves, because the peer no longer knows it.
/// </summary>
internal abstract class AmqpLink
{
    private readonly Lock _stateGate = new();
    private readonly PendingOperations _pending = new();
    private bool _attachDeferred;
    private bool _detaching;
    private bool _detachWritten;

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

    /// <summary>True once either side started detaching the link: it takes no new work.</summary>
    public bool IsDetaching
    {
        get
        {
            lock (_stateGate)
            {
                return _detaching;
            }
        }
    }

    /// <summary>True once this link's detach frame is written; read under the writer's gate.</summary>
    protected bool DetachWritten => _detachWritten;

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

    /// <summary>For a link whose attach reply is written later, by its own task (<see cref="TryWriteAttach"/>); call from the constructor.</summary>
    protected void DeferAttach() => _attachDeferred = true;

    /// <summary>Writes the deferred attach reply; false when the link is already detaching (the peer gave up waiting).</summary>
    protected bool TryWriteAttach(in Attach attach)
    {
        lock (_stateGate)
        {
            if (_detaching)
            {
                return false;
            }
            _attachDeferred = false;
            Writer.Write(Session.LocalChannel, attach);
            return true;
        }
    }

    /// <summary>
    /// Marks the link detaching; false when it already was. A link whose deferred attach reply has
    /// not gone out gets a refusing one (null terminus) now, so the detach that follows names a
    /// handle the peer knows (spec part 2, 2.6.3: every attach is answered before its detach).
    /// </summary>
    /// <param name="answerAttach">False when the session or connection is ending: no attach is owed then.</param>
    internal bool TryBeginDetach(bool answerAttach = true)
    {
        lock (_stateGate)
        {
            if (_detaching)
            {
                return false;
            }
            _detaching = true;
            if (_attachDeferred)
            {
                _attachDeferred = false;
                if (answerAttach)
                {
                    Session.WriteRefusingAttach(RemoteAttach);
                }
            }
            return true;
        }
    }

    /// <summary>Refuses a link whose attach was deferred: a null terminus, then detach with the error. False when it is already detaching.</summary>
    protected bool TryRefuse(AmqpError error)
    {
        if (!TryBeginDetach())
        {
            return false;
        }
        Connection.Observer.ErrorSent(error.Condition.ToString());
        AmqpLog.LinkDetached(Connection.Logger, Name, Address, error.Condition.ToString(), error.Description ?? "");
        WriteDetach(new Detach { Handle = Handle, Closed = true, Error = error });
        return true;
    }

    /// <summary>Work that will still write frames for this link (and its session) starts; the detach and end echoes wait for it.</summary>
    protected void BeginOperation()
    {
        _pending.Begin();
        Session.Pending.Begin();
    }

    protected void EndOperation()
    {
        _pending.End();
        Session.Pending.End();
    }

    /// <summary>Completes when no operation of this link is in flight.</summary>
    internal Task WhenIdleAsync() => _pending.WhenIdleAsync();

    /// <summary>Writes a frame naming this link unless its detach has been written; false then.</summary>
    protected bool WriteLinkFrame<T>(in T performative)
        where T : struct, IPerformative<T>
    {
        lock (Writer.Gate)
        {
            if (_detachWritten)
            {
                return false;
            }
            Writer.Write(Session.LocalChannel, performative);
            return true;
        }
    }

    /// <summary>Writes this link's detach, once; nothing naming the link is written after it.</summary>
    internal void WriteDetach(in Detach detach)
    {
        lock (Writer.Gate)
        {
            if (_detachWritten)
            {
                return;
            }
            _detachWritten = true;
            Writer.Write(Session.LocalChannel, detach);
        }
    }
}
