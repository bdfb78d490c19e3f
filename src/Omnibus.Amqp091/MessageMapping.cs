using System.Globalization;
using System.Text;
using Omnibus.Amqp091.Codec;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091;

/// <summary>
/// basic properties ↔ the core's envelope (docs/amqp091.md, Message mapping). Headers become
/// application properties with their types kept (tables as maps, arrays as lists); <c>type</c> is
/// the subject, <c>delivery-mode</c> 2 durable, <c>expiration</c> the time to live.
/// </summary>
internal static class MessageMapping
{
    private const string ClusterIdField = "amqp091-cluster-id";

    public static BrokerMessage ToCore(BasicProperties p, ReadOnlyMemory<byte> body)
    {
        var m = new BrokerMessage
        {
            Body = body,
            ContentType = p.ContentType,
            ContentEncoding = p.ContentEncoding,
            Priority = p.Priority,
            Durable = p.DeliveryMode is null ? null : p.DeliveryMode == 2,
            CorrelationId = p.CorrelationId,
            ReplyTo = p.ReplyTo,
            MessageId = p.MessageId,
            ProducerTimestamp = p.Timestamp,
            Subject = p.Type,
            UserId = p.UserId is null ? null : Encoding.UTF8.GetBytes(p.UserId),
            AppId = p.AppId,
        };
        if (p.Expiration is { } expiration)
        {
            if (!long.TryParse(expiration, NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - invalid expiration '{expiration}'", connectionLevel: false);
            }
            m.TimeToLive = TimeSpan.FromMilliseconds(ms);
        }
        if (p.ClusterId is { } cluster)
        {
            m.NativeFields[ClusterIdField] = cluster;
        }
        if (p.Headers is { } headers)
        {
            foreach ((string key, object? value) in headers)
            {
                m.ApplicationProperties[key] = ToCoreValue(value);
            }
        }
        return m;
    }

    public static BasicProperties FromCore(BrokerMessage m)
    {
        Dictionary<string, object?>? headers = null;
        if (m.HasApplicationProperties && m.ApplicationProperties.Count > 0)
        {
            headers = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach ((string key, object? value) in m.ApplicationProperties)
            {
                headers[key] = FromCoreValue(value);
            }
        }
        if (headers is not null && headers.ContainsKey(DeadLetterHeaders.Cause))
        {
            AddDeathHeaders(headers);
        }
        return new BasicProperties
        {
            ContentType = m.ContentType,
            ContentEncoding = m.ContentEncoding,
            Headers = headers,
            DeliveryMode = m.Durable switch { true => 2, false => 1, null => null },
            Priority = m.Priority,
            CorrelationId = m.CorrelationId,
            ReplyTo = m.ReplyTo,
            Expiration = m.TimeToLive is { } ttl && ttl != TimeSpan.MaxValue ? ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : null,
            MessageId = m.MessageId,
            Timestamp = m.ProducerTimestamp,
            Type = m.Subject,
            UserId = m.UserId is null ? null : Encoding.UTF8.GetString(m.UserId),
            AppId = m.AppId,
            ClusterId = m.HasNativeFields && m.NativeFields.TryGetValue(ClusterIdField, out object? c) ? c as string : null,
        };
    }

    /// <summary>
    /// RabbitMQ's <c>x-death</c> (one entry per queue and reason, the latest first, each with its count) and
    /// <c>x-first-death-*</c> / <c>x-last-death-*</c>, from the core's neutral dead-letter headers, which stay
    /// beside them. A message marked before the core kept a history gets one entry: its latest dead-lettering.
    /// </summary>
    private static void AddDeathHeaders(Dictionary<string, object?> h)
    {
        string reason = RabbitReason(h[DeadLetterHeaders.Cause] as string);
        var deaths = new List<object?>();
        if (h.GetValueOrDefault(DeadLetterHeaders.History) is List<object?> history)
        {
            foreach (object? item in history)
            {
                if (item is Dictionary<string, object?> entry)
                {
                    deaths.Add(Death(entry.GetValueOrDefault("count"), RabbitReason(entry.GetValueOrDefault("cause") as string), entry.GetValueOrDefault("source"),
                        entry.GetValueOrDefault("exchange"), entry.GetValueOrDefault("routing-key"), entry.GetValueOrDefault("time")));
                }
            }
        }
        if (deaths.Count == 0)
        {
            deaths.Add(Death(h.GetValueOrDefault(DeadLetterHeaders.Count), reason, h.GetValueOrDefault(DeadLetterHeaders.Source),
                h.GetValueOrDefault(DeadLetterHeaders.Exchange), h.GetValueOrDefault(DeadLetterHeaders.RoutingKey), h.GetValueOrDefault(DeadLetterHeaders.Time)));
        }
        var death = (Dictionary<string, object?>)deaths[0]!;
        h["x-death"] = deaths;
        h.TryAdd("x-first-death-reason", h.GetValueOrDefault(DeadLetterHeaders.FirstCause) is string first ? RabbitReason(first) : reason);
        h.TryAdd("x-first-death-queue", h.GetValueOrDefault(DeadLetterHeaders.FirstSource) as string ?? death["queue"]);
        h.TryAdd("x-first-death-exchange", death["exchange"]);
        h["x-last-death-reason"] = reason;
        h["x-last-death-queue"] = death["queue"];
        h["x-last-death-exchange"] = death["exchange"];
    }

    /// <summary>One <c>x-death</c> table.</summary>
    private static Dictionary<string, object?> Death(object? count, string reason, object? queue, object? exchange, object? routingKey, object? time)
    {
        var death = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["count"] = count is long n ? n : 1L,
            ["reason"] = reason,
            ["queue"] = queue as string ?? "",
            ["exchange"] = exchange as string ?? "",
            ["routing-keys"] = new List<object?> { routingKey as string ?? "" },
        };
        if (time is DateTimeOffset at)
        {
            death["time"] = at;
        }
        return death;
    }

    /// <summary>The core's dead-letter causes in RabbitMQ's words (a rule's failure, which RabbitMQ does not have, reads as rejected).</summary>
    private static string RabbitReason(string? cause) => DeadLetterCauses.Parse(cause) switch
    {
        DeadLetterCause.Expired => "expired",
        DeadLetterCause.DeliveryLimit => "delivery_limit",
        DeadLetterCause.MaxLength => "maxlen",
        _ => "rejected",
    };

    /// <summary>The exchange and routing key a message was published with (what deliveries report).</summary>
    public static (string Exchange, string RoutingKey) RouteOf(BrokerMessage m, string queue)
    {
        if (m.HasNativeFields && m.NativeFields.TryGetValue(RoutingAnnotations.RoutingKey, out object? key) && key is string k)
        {
            return (m.NativeFields.TryGetValue(RoutingAnnotations.Exchange, out object? x) && x is string e ? e : "", k);
        }
        return ("", queue); // sent through another protocol: as if through the default exchange
    }

    /// <summary>An argument table (declare, bind) with nested tables and arrays in the core's containers.</summary>
    public static Dictionary<string, object?> ToCoreTable(Dictionary<string, object?> table) =>
        table.ToDictionary(e => e.Key, e => ToCoreValue(e.Value), StringComparer.Ordinal);

    private static object? ToCoreValue(object? value) => value switch
    {
        Dictionary<string, object?> table => new HeaderMap(table.Select(e => new KeyValuePair<object?, object?>(e.Key, ToCoreValue(e.Value)))),
        List<object?> list => new HeaderList(list.Select(ToCoreValue)),
        _ => value,
    };

    private static object? FromCoreValue(object? value) => value switch
    {
        HeaderMap map => map.ToDictionary(e => e.Key?.ToString() ?? "", e => FromCoreValue(e.Value), StringComparer.Ordinal),
        HeaderList list => list.Select(FromCoreValue).ToList(),
        HeaderArray array => array.Select(FromCoreValue).ToList(),
        ScaledDecimal d => d.ToString(),
        char ch => ch.ToString(),
        Uri uri => uri.ToString(),
        _ => value,
    };
}
