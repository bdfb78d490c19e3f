using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Core.Security;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// One StartMessageMoveTask: moves the messages of a dead-letter queue to a destination queue, or each back to
/// the queue it was dead-lettered from, until the source is empty or the task is cancelled. A message is sent
/// to its destination before it is deleted from the source, so a crash can repeat a move but never loses one
/// (SQS's own redrive is at-least-once too). The rate limit waits on the broker's clock.
/// </summary>
internal sealed class MessageMoveTask : IDisposable
{
    private const int Batch = 10;
    private static readonly TimeSpan MoveVisibility = TimeSpan.FromSeconds(30);
    private readonly Broker _broker;
    private readonly CallerIdentity _caller;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _cancel = new();
    private long _moved;

    public MessageMoveTask(Broker broker, CallerIdentity caller, TimeProvider clock, string source, string sourceArn, string? destination, string? destinationArn, int? maxPerSecond, long toMove)
    {
        _broker = broker;
        _caller = caller;
        _clock = clock;
        Source = source;
        SourceArn = sourceArn;
        Destination = destination;
        DestinationArn = destinationArn;
        MaxPerSecond = maxPerSecond;
        ToMove = toMove;
        StartedMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        Handle = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    }

    public string Handle { get; }

    public string Source { get; }

    public string SourceArn { get; }

    public string? Destination { get; }

    public string? DestinationArn { get; }

    public int? MaxPerSecond { get; }

    public long ToMove { get; }

    public long StartedMs { get; }

    public long Moved => Interlocked.Read(ref _moved);

    /// <summary>RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED, as SQS names them.</summary>
    public string Status { get; private set; } = "RUNNING";

    public string? FailureReason { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>Releases the cancellation source; called for a finished task that leaves the list.</summary>
    public void Dispose() => _cancel.Dispose();

    public void Cancel()
    {
        Status = "CANCELLING";
        _cancel.Cancel();
    }

    private async Task RunAsync()
    {
        try
        {
            Receivable source = _broker.GetReceivable(Source, _caller);
            while (!_cancel.IsCancellationRequested)
            {
                IReadOnlyList<BrokerMessage> taken = await source.ReceiveAsync(Batch, TimeSpan.Zero, new ReceiveOptions { Visibility = MoveVisibility }, _cancel.Token).ConfigureAwait(false);
                if (taken.Count == 0)
                {
                    Status = "COMPLETED";
                    return;
                }
                foreach (BrokerMessage m in taken)
                {
                    string target = Destination ?? m.DeadLetterSource
                        ?? throw new InvalidOperationException($"Message {m.SequenceNumber} does not say which queue it was dead-lettered from.");
                    BrokerMessage copy = m.Clone();
                    copy.DeadLetterSource = null;
                    await _broker.SendAsync(target, [copy], _caller).ConfigureAwait(false);
                    await source.CompleteAsync(m.Delivery.LockToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _moved);
                    if (MaxPerSecond is int rate)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1.0 / rate), _clock, _cancel.Token).ConfigureAwait(false);
                    }
                }
            }
            Status = "CANCELLED";
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Status = "CANCELLED";
        }
        catch (Exception e) when (e is MessagingException or InvalidOperationException)
        {
            FailureReason = e.Message;
            Status = "FAILED";
        }
    }
}
