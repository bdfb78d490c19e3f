namespace Omnibus.Amqp.Connection;

/// <summary>
/// Counts work in flight that will still write frames (a settlement's answer, a batch of
/// deliveries taken from the core), so a detach or end echo can wait until that work has
/// written them: a peer stops listening for a link's frames once its detach is echoed, and a
/// frame on an ended channel is a protocol error to it.
/// </summary>
internal sealed class PendingOperations
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;

    public void Begin()
    {
        lock (_gate)
        {
            _count++;
        }
    }

    public void End()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_count == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }
        idle?.TrySetResult();
    }

    /// <summary>Completes when nothing is in flight (at once when nothing is now).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return Task.CompletedTask;
            }
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }
}
