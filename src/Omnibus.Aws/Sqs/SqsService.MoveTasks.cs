using System.Collections.Concurrent;
using System.Text.Json;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// StartMessageMoveTask, CancelMessageMoveTask and ListMessageMoveTasks: dead-letter queue redrive. Tasks live in
/// memory (a restart ends them; the messages not yet moved stay in the dead-letter queue).
/// </summary>
internal sealed partial class SqsService
{
    private readonly ConcurrentDictionary<string, List<MessageMoveTask>> _moveTasks = new(StringComparer.Ordinal);

    private Task StartMessageMoveTask(SqsCall call, Utf8JsonWriter w)
    {
        string sourceArn = call.Args.RequiredString("SourceArn");
        string source = QueueOfArn(sourceArn, "SourceArn");
        if (!_broker.ListQueues().Any(q => QueueSettings.Of(q).Redrive?.Target == source))
        {
            throw new SqsException(SqsError.InvalidParameterValue, "Source queue must be configured as a Dead Letter Queue.");
        }
        string? destinationArn = call.Args.String("DestinationArn");
        string? destination = destinationArn is null ? null : QueueOfArn(destinationArn, "DestinationArn");
        int? rate = call.Args.Int("MaxNumberOfMessagesPerSecond");
        if (rate is < 1 or > 500)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.");
        }
        List<MessageMoveTask> tasks = _moveTasks.GetOrAdd(source, _ => []);
        MessageMoveTask task;
        lock (tasks)
        {
            if (tasks.Any(t => t.Status is "RUNNING" or "CANCELLING"))
            {
                throw new SqsException(SqsError.UnsupportedOperation, "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
            }
            long toMove = _broker.GetQueueRuntimeInfo(source).ActiveMessageCount;
            task = new MessageMoveTask(_broker, call.Caller, _clock, source, sourceArn, destination, destinationArn, rate, toMove);
            tasks.Insert(0, task);
            if (tasks.Count > 10)
            {
                // Only the newest can be running: the one leaving the list has finished.
                tasks[^1].Dispose();
                tasks.RemoveAt(tasks.Count - 1);
            }
        }
        task.Start();
        w.WriteStartObject();
        w.WriteString("TaskHandle", task.Handle);
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private async Task CancelMessageMoveTask(SqsCall call, Utf8JsonWriter w)
    {
        string handle = call.Args.RequiredString("TaskHandle");
        MessageMoveTask task = _moveTasks.Values.SelectMany(list => Snapshot(list)).FirstOrDefault(t => t.Handle == handle && t.Status == "RUNNING")
            ?? throw new SqsException(SqsError.ResourceNotFound, "The task handle is not valid or the task is not running.");
        task.Cancel();
        await task.Completion.ConfigureAwait(false);
        w.WriteStartObject();
        w.WriteNumber("ApproximateNumberOfMessagesMoved", task.Moved);
        w.WriteEndObject();
    }

    private Task ListMessageMoveTasks(SqsCall call, Utf8JsonWriter w)
    {
        string source = QueueOfArn(call.Args.RequiredString("SourceArn"), "SourceArn");
        int max = call.Args.Int("MaxResults") ?? 1;
        if (max is < 1 or > 10)
        {
            throw new SqsException(SqsError.InvalidParameterValue, $"Value {max} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.");
        }
        w.WriteStartObject();
        w.WriteStartArray("Results");
        foreach (MessageMoveTask t in _moveTasks.TryGetValue(source, out List<MessageMoveTask>? list) ? Snapshot(list).Take(max) : [])
        {
            w.WriteStartObject();
            if (t.Status == "RUNNING")
            {
                w.WriteString("TaskHandle", t.Handle);
            }
            w.WriteString("Status", t.Status);
            w.WriteString("SourceArn", t.SourceArn);
            if (t.DestinationArn is { } destination)
            {
                w.WriteString("DestinationArn", destination);
            }
            if (t.MaxPerSecond is int rate)
            {
                w.WriteNumber("MaxNumberOfMessagesPerSecond", rate);
            }
            w.WriteNumber("ApproximateNumberOfMessagesMoved", t.Moved);
            w.WriteNumber("ApproximateNumberOfMessagesToMove", t.ToMove);
            if (t.FailureReason is { } reason)
            {
                w.WriteString("FailureReason", reason);
            }
            w.WriteNumber("StartedTimestamp", t.StartedMs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private static List<MessageMoveTask> Snapshot(List<MessageMoveTask> tasks)
    {
        lock (tasks)
        {
            return [.. tasks];
        }
    }

    private string QueueOfArn(string arn, string parameter)
    {
        string name = QueueAddress.NameFromArn(arn) ?? throw new SqsException(SqsError.InvalidParameterValue, $"Value {arn} for parameter {parameter} is invalid. Reason: not an SQS queue ARN.");
        QueueDescription q = FindQueue(name) ?? throw new SqsException(SqsError.ResourceNotFound, "The resource that you specified for the " + parameter + " parameter doesn't exist.");
        return q.Name;
    }
}
