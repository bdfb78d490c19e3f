using System.Xml;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sns;

/// <summary>
/// The SNS actions over the core (query protocol): each reads its parameters from an <see cref="SnsCall"/> and
/// returns what goes in its <c>&lt;XResult&gt;</c> (null: no result element), or throws <see cref="SnsException"/>.
/// A topic is the default namespace's topic of the same name, with an exchange of type <c>sns</c> beside it;
/// a subscription is a binding of that exchange (docs/aws.md). Split by concern: topics, subscriptions,
/// publishing, tags.
/// </summary>
internal sealed partial class SnsService
{
    private const int PageSize = 100;

    private readonly Broker _broker;
    private readonly AwsOptions _options;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Func<SnsCall, Task<Action<XmlWriter>?>>> _actions;

    public SnsService(Broker broker, AwsOptions options, TimeProvider clock)
    {
        _broker = broker;
        _options = options;
        _clock = clock;
        _actions = new(StringComparer.Ordinal)
        {
            ["CreateTopic"] = Sync(CreateTopic),
            ["DeleteTopic"] = Sync(DeleteTopic),
            ["ListTopics"] = Sync(ListTopics),
            ["GetTopicAttributes"] = Sync(GetTopicAttributes),
            ["SetTopicAttributes"] = Sync(SetTopicAttributes),
            ["Subscribe"] = Sync(Subscribe),
            ["ConfirmSubscription"] = Sync(ConfirmSubscription),
            ["Unsubscribe"] = Sync(Unsubscribe),
            ["ListSubscriptions"] = Sync(ListSubscriptions),
            ["ListSubscriptionsByTopic"] = Sync(ListSubscriptionsByTopic),
            ["GetSubscriptionAttributes"] = Sync(GetSubscriptionAttributes),
            ["SetSubscriptionAttributes"] = Sync(SetSubscriptionAttributes),
            ["Publish"] = PublishAsync,
            ["PublishBatch"] = PublishBatchAsync,
            ["TagResource"] = Sync(TagResource),
            ["UntagResource"] = Sync(UntagResource),
            ["ListTagsForResource"] = Sync(ListTagsForResource),
        };
    }

    private static Func<SnsCall, Task<Action<XmlWriter>?>> Sync(Func<SnsCall, Action<XmlWriter>?> action) => call => Task.FromResult(action(call));

    public bool Knows(string action) => _actions.ContainsKey(action);

    public async Task<Action<XmlWriter>?> RunAsync(string action, SnsCall call)
    {
        try
        {
            return await _actions[action](call).ConfigureAwait(false);
        }
        catch (MessagingException e)
        {
            throw ToSns(e);
        }
    }

    private static SnsException ToSns(MessagingException e) => e.Code switch
    {
        MessagingErrorCode.EntityNotFound => new SnsException(SnsError.NotFound, e.Message),
        MessagingErrorCode.Unauthorized => new SnsException(SnsError.AuthorizationError, e.Message),
        MessagingErrorCode.QuotaExceeded => new SnsException(SnsError.Throttled, e.Message),
        MessagingErrorCode.StorageFull => new SnsException(SnsError.ServiceUnavailable, e.Message),
        _ => new SnsException(SnsError.InvalidParameter, "Invalid parameter: " + e.Message),
    };

    private string TopicArn(SnsCall call, string name) => TopicAddress.Arn(call.Region, _options.AccountId, name);

    /// <summary>The topic an ARN parameter names; NotFound when there is none.</summary>
    private TopicDescription TopicOf(SnsCall call, string parameter = "TopicArn", SnsError? notFound = null)
    {
        string name = TopicAddress.TopicName(call.Args.Required(parameter), parameter);
        return FindTopic(name) ?? throw new SnsException(notFound ?? SnsError.NotFound, notFound is null ? "Topic does not exist" : "Resource does not exist");
    }

    private TopicDescription? FindTopic(string name)
    {
        if (!_broker.TopicExists(name))
        {
            return null;
        }
        try
        {
            return _broker.GetTopic(name);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return null;
        }
    }

    /// <summary>The SNS exchange beside a topic, declared when the topic was made by another protocol.</summary>
    private void EnsureExchange(SnsCall call, string topic)
    {
        var description = new ExchangeDescription
        {
            Name = topic,
            Type = SnsExchangeType.TypeName,
            Durable = true,
            Arguments = new(StringComparer.Ordinal) { [SnsExchangeType.TopicArnArgument] = TopicArn(call, topic) },
        };
        try
        {
            _broker.DeclareExchange(description, call.Caller);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.PreconditionFailed)
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: TopicArn Reason: an exchange named '{topic}' of another type exists beside the topic, so it cannot take SNS subscriptions.");
        }
    }

    /// <summary>The SNS subscriptions of a topic (bindings of its exchange that carry SNS arguments), in the order made.</summary>
    private List<SnsSubscription> SubscriptionsOf(string topic)
    {
        try
        {
            return [.. _broker.ListBindings(topic).Select(SnsSubscription.FromBinding).OfType<SnsSubscription>()];
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return [];
        }
    }

    private static string EncodeToken(int offset) => Convert.ToBase64String(BitConverter.GetBytes(offset));

    private static int DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }
        try
        {
            byte[] bytes = Convert.FromBase64String(token);
            return bytes.Length == 4 && BitConverter.ToInt32(bytes) is int n and >= 0 ? n : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: NextToken");
        }
    }
}
