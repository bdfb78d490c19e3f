using System.Globalization;
using System.Text;
using Omnibus.Core.Messages;

namespace Omnibus.Management.Api;

/// <summary>A message as the JSON management API shows it: text bodies as text, other bodies in base64.</summary>
public sealed record MessageDto
{
    public long SequenceNumber { get; init; }
    public string? MessageId { get; init; }
    public string? CorrelationId { get; init; }
    public string? SessionId { get; init; }
    public string? Subject { get; init; }
    public string? ContentType { get; init; }
    public DateTimeOffset EnqueuedTime { get; init; }
    public int DeliveryCount { get; init; }
    public string State { get; init; } = "Active";
    public string? DeadLetterSource { get; init; }
    public string? Body { get; init; }
    public string? BodyBase64 { get; init; }
    public Dictionary<string, string?> Properties { get; init; } = [];

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>
    /// True when a front-end stored the body in its own encoding, which it says with a native
    /// field named <c>&lt;namespace&gt;:body-kind</c> (docs/core.md); such a body is shown as base64 only.
    /// </summary>
    private static bool HasStructuredBody(BrokerMessage m) =>
        m.HasNativeFields && m.NativeFields.Names.Any(n => n.EndsWith(":body-kind", StringComparison.Ordinal));

    public static MessageDto From(BrokerMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        string? text = null;
        if (!HasStructuredBody(m))
        {
            try
            {
                text = StrictUtf8.GetString(m.Body.Span);
            }
            catch (DecoderFallbackException)
            {
            }
        }
        return new MessageDto
        {
            SequenceNumber = m.SequenceNumber,
            MessageId = m.MessageId,
            CorrelationId = m.CorrelationId,
            SessionId = m.SessionId,
            Subject = m.Subject,
            ContentType = m.ContentType,
            EnqueuedTime = m.EnqueuedTime,
            DeliveryCount = m.Delivery.DeliveryCount,
            State = m.Delivery.State.ToString(),
            DeadLetterSource = m.DeadLetterSource,
            Body = text,
            BodyBase64 = text is null ? Convert.ToBase64String(m.Body.Span) : null,
            Properties = m.HasApplicationProperties
                ? m.ApplicationProperties.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture))
                : [],
        };
    }
}

/// <summary>A message to send through the JSON API.</summary>
public sealed record SendMessageDto
{
    public string? Body { get; init; }
    public string? BodyBase64 { get; init; }
    public string? MessageId { get; init; }
    public string? CorrelationId { get; init; }
    public string? SessionId { get; init; }
    public string? Subject { get; init; }
    public string? ContentType { get; init; }
    public TimeSpan? TimeToLive { get; init; }
    public Dictionary<string, string>? Properties { get; init; }

    public BrokerMessage ToMessage()
    {
        var m = new BrokerMessage
        {
            Body = BodyBase64 is not null ? Convert.FromBase64String(BodyBase64) : Encoding.UTF8.GetBytes(Body ?? ""),
            MessageId = MessageId ?? Guid.NewGuid().ToString("N"),
            CorrelationId = CorrelationId,
            SessionId = SessionId,
            Subject = Subject,
            ContentType = ContentType,
            TimeToLive = TimeToLive,
        };
        foreach (KeyValuePair<string, string> kv in Properties ?? [])
        {
            m.ApplicationProperties[kv.Key] = kv.Value;
        }
        return m;
    }
}

public sealed record SendRequest(string Entity, IReadOnlyList<SendMessageDto> Messages);

public sealed record ReceiveRequest(string Entity, int MaxMessages = 1, double WaitSeconds = 1);

public sealed record ResubmitRequest(string Entity, int MaxMessages = int.MaxValue);

public sealed record SendResult(IReadOnlyList<long> SequenceNumbers);

public sealed record ResubmitResult(int Resubmitted, string Target);
