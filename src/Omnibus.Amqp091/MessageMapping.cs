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
