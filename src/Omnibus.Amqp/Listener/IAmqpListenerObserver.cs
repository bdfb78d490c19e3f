namespace Omnibus.Amqp.Listener;

/// <summary>
/// What the AMQP listener reports for operations (metrics): links opening and closing, and the
/// errors it sends to peers. The host registers an implementation in DI; without one nothing is
/// reported. Called on protocol threads: keep implementations to counter updates.
/// </summary>
public interface IAmqpListenerObserver
{
    /// <summary>Attached links went up (positive) or down (negative) by <paramref name="delta"/>.</summary>
    void LinksChanged(int delta);

    /// <summary>The listener closed a connection or detached a link with <paramref name="condition"/> (e.g. <c>amqp:decode-error</c>).</summary>
    void ErrorSent(string condition);
}

/// <summary>The observer used when the host registers none.</summary>
internal sealed class NoAmqpListenerObserver : IAmqpListenerObserver
{
    public void LinksChanged(int delta)
    {
    }

    public void ErrorSent(string condition)
    {
    }
}
