using System.Xml;
using Omnibus.Aws.Sqs;
using Omnibus.Core;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sns;

/// <summary>Subscribe, Unsubscribe, ListSubscriptions(ByTopic), Get/SetSubscriptionAttributes: a subscription is a binding from the topic's exchange to a queue.</summary>
internal sealed partial class SnsService
{
    private Action<XmlWriter>? Subscribe(SnsCall call)
    {
        TopicDescription topic = TopicOf(call);
        string protocol = call.Args.Required("Protocol");
        string endpoint = call.Args.String("Endpoint") ?? "";
        if (!protocol.Equals(SnsSubscription.Protocol, StringComparison.OrdinalIgnoreCase))
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: Protocol Reason: {protocol} is not served by this broker (only sqs)");
        }
        string queue = QueueAddress.NameFromArn(endpoint)
            ?? throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: SQS endpoint ARN");
        QueueDescription? q = null;
        try
        {
            q = _broker.GetQueue(queue);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            // answered below
        }
        if (q is null)
        {
            throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: Endpoint Reason: the queue {queue} does not exist");
        }
        if (QueueAddress.IsValidName(queue) && queue.EndsWith(QueueAddress.FifoSuffix, StringComparison.Ordinal) && !TopicAddress.IsFifo(topic.Name))
        {
            throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
        }
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string k, string v) in call.Args.Map("Attributes"))
        {
            attributes[k] = v;
        }
        foreach ((string k, string v) in attributes)
        {
            SnsSubscription.Check(k, v, attributes);
        }
        RemoveEmpty(attributes);
        EnsureExchange(call, topic.Name);
        if (SubscriptionsOf(topic.Name).Find(s => s.Queue == queue) is { } existing)
        {
            // Subscribing the same endpoint again answers the subscription it has, if asked the same way.
            if (attributes.Any(a => existing.Get(a.Key) != a.Value))
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
            }
            string existingArn = existing.Arn(call.Region, _options.AccountId);
            return w => w.WriteElementString("SubscriptionArn", existingArn);
        }
        var subscription = new SnsSubscription
        {
            Id = Guid.NewGuid().ToString(),
            Topic = topic.Name,
            Queue = queue,
            Endpoint = endpoint,
            BaseUrl = call.BaseUrl,
            Attributes = attributes,
        };
        _broker.Bind(subscription.ToBinding(), call.Caller);
        string arn = subscription.Arn(call.Region, _options.AccountId);
        return w => w.WriteElementString("SubscriptionArn", arn);
    }

    private static void RemoveEmpty(SortedDictionary<string, string> attributes)
    {
        foreach (string k in attributes.Where(a => a.Value.Length == 0).Select(a => a.Key).ToList())
        {
            attributes.Remove(k);
        }
    }

    private Action<XmlWriter>? ConfirmSubscription(SnsCall call)
    {
        TopicOf(call);
        call.Args.Required("Token");
        // SQS subscriptions are confirmed when made; there is never a token to confirm.
        throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Token");
    }

    /// <summary>The subscription a SubscriptionArn names; NotFound when there is none.</summary>
    private SnsSubscription SubscriptionOf(SnsCall call)
    {
        (string topic, string id) = TopicAddress.Subscription(call.Args.Required("SubscriptionArn"));
        return SubscriptionsOf(topic).Find(s => s.Id == id) ?? throw new SnsException(SnsError.NotFound, "Subscription does not exist");
    }

    private Action<XmlWriter>? Unsubscribe(SnsCall call)
    {
        SnsSubscription s = SubscriptionOf(call);
        _broker.Unbind(s.ToBinding(), call.Caller);
        return null;
    }

    private Action<XmlWriter>? ListSubscriptions(SnsCall call)
    {
        List<SnsSubscription> all = [.. _broker.ListExchanges().Where(IsSnsExchange).OrderBy(x => x.Name, StringComparer.Ordinal).SelectMany(x => SubscriptionsOf(x.Name))];
        return WriteSubscriptions(call, all);
    }

    private Action<XmlWriter>? ListSubscriptionsByTopic(SnsCall call)
    {
        TopicDescription topic = TopicOf(call);
        return WriteSubscriptions(call, SubscriptionsOf(topic.Name));
    }

    private Action<XmlWriter> WriteSubscriptions(SnsCall call, List<SnsSubscription> all)
    {
        int offset = DecodeToken(call.Args.String("NextToken"));
        List<SnsSubscription> page = [.. all.Skip(offset).Take(PageSize)];
        string? next = offset + page.Count < all.Count ? EncodeToken(offset + page.Count) : null;
        return w =>
        {
            w.WriteStartElement("Subscriptions");
            foreach (SnsSubscription s in page)
            {
                w.WriteStartElement("member");
                w.WriteElementString("SubscriptionArn", s.Arn(call.Region, _options.AccountId));
                w.WriteElementString("Owner", _options.AccountId);
                w.WriteElementString("Protocol", SnsSubscription.Protocol);
                w.WriteElementString("Endpoint", s.Endpoint);
                w.WriteElementString("TopicArn", TopicArn(call, s.Topic));
                w.WriteEndElement();
            }
            w.WriteEndElement();
            if (next is not null)
            {
                w.WriteElementString("NextToken", next);
            }
        };
    }

    private Action<XmlWriter>? GetSubscriptionAttributes(SnsCall call)
    {
        SnsSubscription s = SubscriptionOf(call);
        var answer = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["SubscriptionArn"] = s.Arn(call.Region, _options.AccountId),
            ["TopicArn"] = TopicArn(call, s.Topic),
            ["Owner"] = _options.AccountId,
            ["Protocol"] = SnsSubscription.Protocol,
            ["Endpoint"] = s.Endpoint,
            ["ConfirmationWasAuthenticated"] = "true",
            ["PendingConfirmation"] = "false",
            ["SubscriptionPrincipal"] = $"arn:aws:iam::{_options.AccountId}:user/{call.Caller.Name}",
            ["EffectiveDeliveryPolicy"] = DefaultDeliveryPolicy,
        };
        foreach ((string k, string v) in s.Effective())
        {
            answer[k] = v;
        }
        return w => SnsXml.WriteMap(w, "Attributes", answer);
    }

    /// <summary>
    /// Changes one attribute: the new binding is made before the old one goes, so a message published
    /// meanwhile reaches the queue at least once (maybe twice), never not at all.
    /// </summary>
    private Action<XmlWriter>? SetSubscriptionAttributes(SnsCall call)
    {
        SnsSubscription s = SubscriptionOf(call);
        string name = call.Args.Required("AttributeName");
        string value = call.Args.String("AttributeValue") ?? "";
        var attributes = new SortedDictionary<string, string>(s.Attributes, StringComparer.Ordinal) { [name] = value };
        SnsSubscription.Check(name, value, attributes);
        RemoveEmpty(attributes);
        var changed = new SnsSubscription { Id = s.Id, Topic = s.Topic, Queue = s.Queue, Endpoint = s.Endpoint, BaseUrl = s.BaseUrl, Attributes = attributes };
        BindingDescription before = s.ToBinding(), after = changed.ToBinding();
        if (!before.SameAs(after))
        {
            _broker.Bind(after, call.Caller);
            _broker.Unbind(before, call.Caller);
        }
        return null;
    }
}
