using System.Collections.Concurrent;
using System.Text.Json;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Sqs;

/// <summary>
/// The SQS actions over the core: each reads its arguments from a <see cref="SqsCall"/> and writes the JSON
/// protocol's answer, or throws <see cref="SqsException"/>. Queues are the default namespace's queues of
/// the same name (docs/aws.md). Split by concern: queues, sends, receives, settlements.
/// </summary>
internal sealed partial class SqsService
{
    private readonly Broker _broker;
    private readonly AwsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ReceiptHandles _receipts;
    private readonly Dictionary<string, Func<SqsCall, Utf8JsonWriter, Task>> _actions;

    /// <summary>When each message in flight was first received (SQS's ApproximateFirstReceiveTimestamp; the core keeps no such time), by queue and sequence.</summary>
    private readonly ConcurrentDictionary<(string Queue, long Sequence), long> _firstReceives = new();

    public SqsService(Broker broker, AwsOptions options, TimeProvider clock)
    {
        _broker = broker;
        _options = options;
        _clock = clock;
        _receipts = new ReceiptHandles(options.ReceiptKey ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _actions = new(StringComparer.Ordinal)
        {
            ["CreateQueue"] = CreateQueue,
            ["GetQueueUrl"] = GetQueueUrl,
            ["ListQueues"] = ListQueues,
            ["DeleteQueue"] = DeleteQueue,
            ["GetQueueAttributes"] = GetQueueAttributes,
            ["SetQueueAttributes"] = SetQueueAttributes,
            ["PurgeQueue"] = PurgeQueueAsync,
            ["TagQueue"] = TagQueue,
            ["UntagQueue"] = UntagQueue,
            ["ListQueueTags"] = ListQueueTags,
            ["ListDeadLetterSourceQueues"] = ListDeadLetterSourceQueues,
            ["AddPermission"] = AcceptPermission,
            ["RemovePermission"] = AcceptPermission,
            ["SendMessage"] = SendMessageAsync,
            ["SendMessageBatch"] = SendMessageBatchAsync,
            ["ReceiveMessage"] = ReceiveMessageAsync,
            ["DeleteMessage"] = DeleteMessageAsync,
            ["DeleteMessageBatch"] = DeleteMessageBatchAsync,
            ["ChangeMessageVisibility"] = ChangeMessageVisibilityAsync,
            ["ChangeMessageVisibilityBatch"] = ChangeMessageVisibilityBatchAsync,
            ["StartMessageMoveTask"] = StartMessageMoveTask,
            ["CancelMessageMoveTask"] = CancelMessageMoveTask,
            ["ListMessageMoveTasks"] = ListMessageMoveTasks,
        };
    }

    public bool Knows(string action) => _actions.ContainsKey(action);

    public async Task RunAsync(string action, SqsCall call, Utf8JsonWriter writer)
    {
        try
        {
            await _actions[action](call, writer).ConfigureAwait(false);
        }
        catch (MessagingException e)
        {
            throw ErrorMapping.ToSqs(e);
        }
    }

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The queue a call's QueueUrl names, with its SQS settings.</summary>
    private (QueueDescription Queue, QueueSettings Settings) QueueOf(SqsCall call)
    {
        string name = QueueAddress.NameFromUrl(call.Args.RequiredString("QueueUrl"));
        QueueDescription q = FindQueue(name) ?? throw new SqsException(SqsError.QueueDoesNotExist, "The specified queue does not exist.");
        return (q, QueueSettings.Of(q));
    }

    private QueueDescription? FindQueue(string name)
    {
        try
        {
            return _broker.GetQueue(name);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return null;
        }
    }

    private string UrlOf(SqsCall call, string name) => QueueAddress.Url(call.BaseUrl, _options.AccountId, name);

    private static Task Done(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteEndObject();
        return Task.CompletedTask;
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, string>> entries)
    {
        bool started = false;
        foreach ((string k, string v) in entries)
        {
            if (!started)
            {
                w.WriteStartObject(name);
                started = true;
            }
            w.WriteString(k, v);
        }
        if (started)
        {
            w.WriteEndObject();
        }
    }
}
