using System.Text.Json;
using Omnibus.Aws.Sns.Filtering;
using Omnibus.Aws.Sqs;
using Omnibus.Core;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Aws.Sns;

/// <summary>
/// The subscriptions of one SNS topic: each binding's filter policy is compiled once; for each message the
/// attributes (or the JSON body) are read once and every subscription whose policy matches gets it: the
/// message itself with raw delivery, a copy whose body is the notification envelope otherwise. A binding made
/// without SNS arguments takes every message as it is.
/// </summary>
internal sealed class SnsBindingMatcher(string topicArn, TimeProvider clock) : IBindingMatcher
{
    private readonly List<(BindingDescription Binding, SnsSubscription? Subscription, FilterPolicy? Policy)> _bindings = [];

    public void Validate(BindingDescription binding) => Compile(binding);

    public void Add(BindingDescription binding)
    {
        (SnsSubscription? s, FilterPolicy? policy) = Compile(binding);
        _bindings.Add((binding, s, policy));
    }

    public void Remove(BindingDescription binding) => _bindings.RemoveAll(b => b.Binding.SameAs(binding));

    private static (SnsSubscription?, FilterPolicy?) Compile(BindingDescription binding)
    {
        SnsSubscription? s = SnsSubscription.FromBinding(binding);
        try
        {
            return (s, s?.CompilePolicy());
        }
        catch (FilterPolicyException e)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "Invalid filter policy: " + e.Message);
        }
    }

    public void Match(string routingKey, BrokerMessage message, RouteCollector routes)
    {
        IFilterSubject? attributes = null;
        JsonDocument? body = null;
        try
        {
            foreach ((BindingDescription binding, SnsSubscription? s, FilterPolicy? policy) in _bindings)
            {
                if (s is null)
                {
                    routes.Add(binding);
                    continue;
                }
                if (policy is not null)
                {
                    IFilterSubject subject = s.Scope == FilterPolicyScope.MessageBody
                        ? JsonBodySubject.Of(body ??= JsonBodySubject.TryParse(message.Body))
                        : attributes ??= new AttributesSubject(MessageAttributeMapping.FromHeaders(message, NotificationEnvelope.AllAttributes));
                    if (!policy.Matches(subject))
                    {
                        continue;
                    }
                }
                if (s.Raw)
                {
                    if (message.HasNativeFields && message.NativeFields.ContainsKey(NotificationEnvelope.SqsMessageField))
                    {
                        BrokerMessage copy = message.Clone();
                        copy.Body = System.Text.Encoding.UTF8.GetBytes(NotificationEnvelope.TextFor(message));
                        copy.NativeFields.Remove(NotificationEnvelope.SqsMessageField);
                        routes.AddCopy(binding, copy);
                    }
                    else
                    {
                        routes.Add(binding);
                    }
                    continue;
                }
                routes.AddCopy(binding, Envelope(message, s));
            }
        }
        finally
        {
            body?.Dispose();
        }
    }

    private BrokerMessage Envelope(BrokerMessage m, SnsSubscription s)
    {
        string region = topicArn.Split(':') is { Length: > 3 } parts ? parts[3] : "us-east-1";
        string account = topicArn.Split(':') is { Length: > 4 } p ? p[4] : "000000000000";
        DateTimeOffset time = m.EnqueuedTime == default ? clock.GetUtcNow() : m.EnqueuedTime;
        var copy = new BrokerMessage
        {
            Body = NotificationEnvelope.Build(m, topicArn, s.Arn(region, account), s.BaseUrl, time),
            MessageId = m.MessageId,
            SessionId = m.SessionId,
            DeduplicationId = m.DeduplicationId,
            TimeToLive = m.TimeToLive,
        };
        if (m.HasNativeFields && m.NativeFields.TryGetValue(NotificationEnvelope.MessageIdField, out object? id))
        {
            copy.NativeFields[NotificationEnvelope.MessageIdField] = id;
        }
        return copy;
    }
}
