using System.Globalization;
using System.Xml;
using Omnibus.Core;
using Omnibus.Core.Entities;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sns;

/// <summary>CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes: topics are core topics, their SNS attributes in the topic's user metadata.</summary>
internal sealed partial class SnsService
{
    /// <summary>How long a FIFO topic remembers deduplication ids (SNS's 5 minutes).</summary>
    private static readonly TimeSpan DeduplicationWindow = TimeSpan.FromMinutes(5);

    private Action<XmlWriter>? CreateTopic(SnsCall call)
    {
        string name = call.Args.Required("Name");
        List<KeyValuePair<string, string>> attributes = call.Args.Map("Attributes");
        List<KeyValuePair<string, string>> tags = ReadTags(call.Args);
        bool fifoAsked = attributes.Exists(a => a.Key == "FifoTopic" && a.Value.Equals("true", StringComparison.OrdinalIgnoreCase));
        if (!TopicAddress.IsValidName(name) || TopicAddress.IsFifo(name) != fifoAsked)
        {
            throw new SnsException(SnsError.InvalidParameter, TopicAddress.IsFifo(name) || fifoAsked
                ? "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
                : "Invalid parameter: Topic Name");
        }
        TopicSettings settings = TopicSettings.New(name);
        foreach ((string k, string v) in attributes)
        {
            settings.Check(k, v, creating: true);
            settings.Set(k, v);
        }
        foreach ((string k, string v) in tags)
        {
            settings.Tags[k] = v;
        }
        if (FindTopic(name) is { } existing)
        {
            TopicSettings current = TopicSettings.Of(existing);
            if (attributes.Exists(a => a.Key != "FifoTopic" && current.Get(a.Key) != settings.Get(a.Key)))
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
            }
            if (tags.Exists(t => current.Tags.GetValueOrDefault(t.Key) != t.Value))
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Tags Reason: Topic already exists with different tags");
            }
        }
        else
        {
            try
            {
                _broker.CreateTopic(new TopicDescription
                {
                    Name = name,
                    RequiresDuplicateDetection = settings.IsFifo,
                    DuplicateDetectionHistoryTimeWindow = settings.IsFifo ? DeduplicationWindow : TimeSpan.FromMinutes(10),
                    UserMetadata = settings.ToMetadata(),
                }, call.Caller);
            }
            catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityAlreadyExists)
            {
                // a queue of that name, or a topic made in between (then it is the topic asked for)
                if (FindTopic(name) is null)
                {
                    throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: Name Reason: '{name}' is already the name of a queue.");
                }
            }
        }
        EnsureExchange(call, name);
        string arn = TopicArn(call, name);
        return w => w.WriteElementString("TopicArn", arn);
    }

    private Action<XmlWriter>? DeleteTopic(SnsCall call)
    {
        string name = TopicAddress.TopicName(call.Args.Required("TopicArn"));
        // Deleting a topic that is not there is no error (SNS's rule).
        if (_broker.ListExchanges().Any(x => x.Name == name && x.Type == SnsExchangeType.TypeName))
        {
            try
            {
                _broker.DeleteExchange(name, caller: call.Caller);
            }
            catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
            {
                // deleted in between
            }
        }
        try
        {
            _broker.DeleteTopic(name, call.Caller);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            // not there: done
        }
        return null;
    }

    private Action<XmlWriter>? ListTopics(SnsCall call)
    {
        int offset = DecodeToken(call.Args.String("NextToken"));
        List<string> names = [.. _broker.ListTopics().Select(t => t.Name).Where(TopicAddress.IsValidName).Order(StringComparer.Ordinal)];
        List<string> page = [.. names.Skip(offset).Take(PageSize)];
        string? next = offset + page.Count < names.Count ? EncodeToken(offset + page.Count) : null;
        return w =>
        {
            w.WriteStartElement("Topics");
            foreach (string n in page)
            {
                w.WriteStartElement("member");
                w.WriteElementString("TopicArn", TopicArn(call, n));
                w.WriteEndElement();
            }
            w.WriteEndElement();
            if (next is not null)
            {
                w.WriteElementString("NextToken", next);
            }
        };
    }

    private Action<XmlWriter>? GetTopicAttributes(SnsCall call)
    {
        TopicDescription t = TopicOf(call);
        TopicSettings settings = TopicSettings.Of(t);
        string arn = TopicArn(call, t.Name);
        int subscriptions = SubscriptionsOf(t.Name).Count;
        var answer = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["TopicArn"] = arn,
            ["Owner"] = _options.AccountId,
            ["Policy"] = DefaultPolicy(arn),
            ["SubscriptionsConfirmed"] = subscriptions.ToString(CultureInfo.InvariantCulture),
            ["SubscriptionsPending"] = "0",
            ["SubscriptionsDeleted"] = "0",
            ["EffectiveDeliveryPolicy"] = DefaultDeliveryPolicy,
        };
        foreach ((string k, string v) in settings.Effective())
        {
            answer[k] = v;
        }
        return w => SnsXml.WriteMap(w, "Attributes", answer);
    }

    private Action<XmlWriter>? SetTopicAttributes(SnsCall call)
    {
        TopicDescription t = TopicOf(call);
        string name = call.Args.Required("AttributeName");
        string value = call.Args.String("AttributeValue") ?? "";
        TopicSettings settings = TopicSettings.Of(t);
        settings.Check(name, value, creating: false);
        settings.Set(name, value);
        _broker.UpdateTopic(t with { UserMetadata = settings.ToMetadata() }, call.Caller);
        return null;
    }

    private const string DefaultDeliveryPolicy =
        "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":{\"headerContentType\":\"text/plain; charset=UTF-8\"}}}";

    private string DefaultPolicy(string arn) =>
        "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
        + "\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\",\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],"
        + $"\"Resource\":\"{arn}\",\"Condition\":{{\"StringEquals\":{{\"AWS:SourceOwner\":\"{_options.AccountId}\"}}}}}}]}}";

    private static bool IsSnsExchange(ExchangeDescription x) => x.Type == SnsExchangeType.TypeName;
}
