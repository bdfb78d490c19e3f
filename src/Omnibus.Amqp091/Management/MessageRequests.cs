using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omnibus.Amqp091.Codec;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Core.Routing;

namespace Omnibus.Amqp091.Management;

/// <summary>
/// rabbitmqadmin's <c>publish</c> (<c>POST /api/exchanges/{vhost}/{name}/publish</c>) and <c>get</c>
/// (<c>POST /api/queues/{vhost}/{name}/get</c>): for looking at and poking queues by hand, as RabbitMQ intends them.
/// </summary>
internal static class MessageRequests
{
    public static async Task<IResult> PublishAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string segment) = QueueRequests.VhostAndName(http);
        string exchange = TopologyRequests.ExchangeName(segment);
        if (!state.TryVhost(vhost, out Vhost? v) || !Declarations.ExchangeExists(v.Broker, exchange))
        {
            return ManagementHttp.NotFound();
        }
        using JsonDocument body = await QueueRequests.ReadBodyAsync(http).ConfigureAwait(false);
        JsonElement root = body.RootElement;
        string payload = Definitions.Text(root, "payload") ?? "";
        byte[] bytes;
        switch (Definitions.Text(root, "payload_encoding") ?? "string")
        {
            case "string":
                bytes = Encoding.UTF8.GetBytes(payload);
                break;
            case "base64":
                try
                {
                    bytes = Convert.FromBase64String(payload);
                }
                catch (FormatException)
                {
                    return ManagementHttp.BadRequest("payload is not base64");
                }
                break;
            default:
                return ManagementHttp.BadRequest("payload_encoding must be string or base64");
        }
        BasicProperties properties = PropertiesFrom(Definitions.Property(root, "properties"));
        BrokerMessage message = MessageMapping.ToCore(properties, bytes);
        PublishResult result = await v.Broker.PublishAsync(exchange, Definitions.Text(root, "routing_key") ?? "", message, ManagementAuthenticationFilter.Caller(http)).ConfigureAwait(false);
        return ManagementHttp.Json(new JsonObject { ["routed"] = result.Routed });
    }

    /// <summary>
    /// Takes up to <c>count</c> messages; <c>ackmode</c> <c>ack_requeue_true</c> / <c>reject_requeue_true</c> put them
    /// back (redelivered next time), <c>ack_requeue_false</c> / <c>reject_requeue_false</c> remove them.
    /// </summary>
    public static async Task<IResult> GetAsync(HttpContext http, ManagementState state)
    {
        (string vhost, string queue) = QueueRequests.VhostAndName(http);
        if (!state.TryVhost(vhost, out Vhost? v) || !Declarations.QueueExists(v.Broker, queue))
        {
            return ManagementHttp.NotFound();
        }
        using JsonDocument body = await QueueRequests.ReadBodyAsync(http).ConfigureAwait(false);
        JsonElement root = body.RootElement;
        int count = (int)Math.Clamp(Definitions.Integer(root, "count") ?? 1, int.MinValue, int.MaxValue);
        string ackMode = Definitions.Text(root, "ackmode") ?? "ack_requeue_true";
        bool requeue = ackMode switch
        {
            "ack_requeue_true" or "reject_requeue_true" => true,
            "ack_requeue_false" or "reject_requeue_false" => false,
            _ => throw new Amqp091Exception(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - ackmode '{ackMode}' is not ack_requeue_true, ack_requeue_false, reject_requeue_true or reject_requeue_false", false),
        };
        string encoding = Definitions.Text(root, "encoding") ?? "auto";
        int? truncate = Definitions.Integer(root, "truncate") is long t ? (int)Math.Clamp(t, 0, int.MaxValue) : null;
        if (count < 1)
        {
            return ManagementHttp.BadRequest("count must be at least 1");
        }
        Receivable receivable = v.Broker.GetReceivable(queue, ManagementAuthenticationFilter.Caller(http));
        var got = new List<BrokerMessage>();
        var options = new ReceiveOptions { Mode = ReceiveMode.PeekLock, Visibility = TimeSpan.FromMinutes(1) };
        // A receive that waits for nothing hands out what one look finds; look again until count or empty.
        while (got.Count < count && await receivable.ReceiveAsync(count - got.Count, TimeSpan.Zero, options).ConfigureAwait(false) is { Count: > 0 } batch)
        {
            got.AddRange(batch);
        }
        long remaining = v.Broker.GetQueueRuntimeInfo(queue).ActiveMessageCount - got.Count;
        var answer = new JsonArray();
        foreach (BrokerMessage m in got)
        {
            remaining = Math.Max(0, remaining);
            answer.Add(Describe(m, queue, remaining, encoding, truncate));
        }
        foreach (BrokerMessage m in got)
        {
            await (requeue ? receivable.AbandonAsync(m.Delivery.LockToken) : receivable.CompleteAsync(m.Delivery.LockToken)).ConfigureAwait(false);
        }
        return ManagementHttp.Json(answer);
    }

    private static JsonObject Describe(BrokerMessage m, string queue, long remaining, string encoding, int? truncate)
    {
        (string exchange, string routingKey) = MessageMapping.RouteOf(m, queue);
        ReadOnlySpan<byte> body = m.Body.Span;
        ReadOnlySpan<byte> shown = truncate is int limit && body.Length > limit ? body[..limit] : body;
        string text = "";
        bool asText = encoding == "auto" && Utf8Text(shown, out text);
        return new JsonObject
        {
            ["payload_bytes"] = body.Length,
            ["redelivered"] = m.Delivery.DeliveryCount > 0,
            ["exchange"] = exchange,
            ["routing_key"] = routingKey,
            ["message_count"] = remaining,
            ["properties"] = PropertiesJson(MessageMapping.FromCore(m)),
            ["payload"] = asText ? text : Convert.ToBase64String(shown),
            ["payload_encoding"] = asText ? "string" : "base64",
        };
    }

    private static bool Utf8Text(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static BasicProperties PropertiesFrom(JsonElement? json)
    {
        JsonElement p = json ?? default;
        long? Number(string name) => Definitions.Integer(p, name);
        return new BasicProperties
        {
            ContentType = Definitions.Text(p, "content_type"),
            ContentEncoding = Definitions.Text(p, "content_encoding"),
            Headers = Definitions.Property(p, "headers") is { ValueKind: JsonValueKind.Object } headers ? JsonTables.FromJson(headers) : null,
            DeliveryMode = Number("delivery_mode") is long mode ? (byte)Math.Clamp(mode, 1, 2) : null,
            Priority = Number("priority") is long priority ? (byte)Math.Clamp(priority, 0, 255) : null,
            CorrelationId = Definitions.Text(p, "correlation_id"),
            ReplyTo = Definitions.Text(p, "reply_to"),
            Expiration = Definitions.Text(p, "expiration"),
            MessageId = Definitions.Text(p, "message_id"),
            Timestamp = Number("timestamp") is long seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            Type = Definitions.Text(p, "type"),
            UserId = Definitions.Text(p, "user_id"),
            AppId = Definitions.Text(p, "app_id"),
            ClusterId = Definitions.Text(p, "cluster_id"),
        };
    }

    private static JsonObject PropertiesJson(BasicProperties p)
    {
        var json = new JsonObject();
        void Add(string name, JsonNode? value)
        {
            if (value is not null)
            {
                json[name] = value;
            }
        }
        Add("content_type", p.ContentType);
        Add("content_encoding", p.ContentEncoding);
        Add("headers", p.Headers is { } h ? JsonTables.ToJson(h) : null);
        Add("delivery_mode", p.DeliveryMode is byte mode ? (JsonNode)mode : null);
        Add("priority", p.Priority is byte priority ? (JsonNode)priority : null);
        Add("correlation_id", p.CorrelationId);
        Add("reply_to", p.ReplyTo);
        Add("expiration", p.Expiration);
        Add("message_id", p.MessageId);
        Add("timestamp", p.Timestamp is { } at ? (JsonNode)at.ToUnixTimeSeconds() : null);
        Add("type", p.Type);
        Add("user_id", p.UserId);
        Add("app_id", p.AppId);
        Add("cluster_id", p.ClusterId);
        return json;
    }
}
