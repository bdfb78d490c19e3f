using Omnibus.Amqp091.Codec;
using Omnibus.Core.Entities;

namespace Omnibus.Amqp091;

/// <summary>queue.declare's <c>x-</c> arguments onto a core queue (docs/amqp091.md, Queues).</summary>
internal static class QueueArguments
{
    /// <summary>The front-end's settings kept with a core queue (<see cref="QueueDescription.Settings"/>), so they survive a restart.</summary>
    public const string SingleActiveSetting = "amqp091:single-active-consumer", AutoDeleteSetting = "amqp091:auto-delete",
        ExclusiveSetting = "amqp091:exclusive", ConsumerTimeoutSetting = "amqp091:consumer-timeout-ms";

    public static QueueDescription ToDescription(string name, Dictionary<string, object?> arguments, bool autoDelete = false, bool exclusive = false)
    {
        long? consumerTimeout = Integer(arguments, "x-consumer-timeout", 1, int.MaxValue);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (SingleActiveConsumer(arguments) == true)
        {
            settings[SingleActiveSetting] = "true";
        }
        if (autoDelete)
        {
            settings[AutoDeleteSetting] = "true";
        }
        if (exclusive)
        {
            settings[ExclusiveSetting] = "true";
        }
        if (consumerTimeout is long timeoutMs)
        {
            settings[ConsumerTimeoutSetting] = timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        long? ttl = Integer(arguments, "x-message-ttl", 0, int.MaxValue);
        long? priority = Integer(arguments, "x-max-priority", 0, 255);
        long? deliveryLimit = Integer(arguments, "x-delivery-limit", 0, int.MaxValue);
        string? dlx = String(arguments, "x-dead-letter-exchange");
        string? dlk = String(arguments, "x-dead-letter-routing-key");
        long? maxLength = Integer(arguments, "x-max-length", 0, long.MaxValue);
        long? expires = Integer(arguments, "x-expires", 1, int.MaxValue);
        long? maxLengthBytes = Integer(arguments, "x-max-length-bytes", 0, long.MaxValue);
        QueueOverflow overflow = String(arguments, "x-overflow") switch
        {
            null or "drop-head" => QueueOverflow.DropHead,
            "reject-publish" => QueueOverflow.RejectPublish,
            "reject-publish-dlx" => QueueOverflow.RejectPublishDeadLetter,
            string other => throw Invalid("x-overflow", other),
        };
        if (String(arguments, "x-queue-type") is { } type && type is not ("classic" or "quorum"))
        {
            throw new Amqp091Exception(ReplyCodes.NotImplemented, $"NOT_IMPLEMENTED - x-queue-type '{type}' is not supported yet", false, 50, 10);
        }
        return new QueueDescription
        {
            Name = name,
            // RabbitMQ has no delivery limit on classic queues and no lock time-out (a delivery stays with its consumer).
            MaxDeliveryCount = deliveryLimit is long limit ? (int)Math.Max(1, limit + 1) : int.MaxValue,
            DefaultMessageTimeToLive = ttl is long ms ? TimeSpan.FromMilliseconds(Math.Max(1, ms)) : TimeSpan.MaxValue,
            DeadLetteringOnMessageExpiration = dlx is not null,
            DeadLetterExchange = dlx,
            DeadLetterRoutingKey = dlk,
            MaxPriority = priority is long p && p > 0 ? (int)p : null,
            MaxLength = maxLength,
            MaxLengthBytes = maxLengthBytes,
            Overflow = overflow,
            // x-expires: deleted once unused that long (no consumer, no get; the core's idle rule also counts publishes).
            AutoDeleteOnIdle = expires is long idleMs ? TimeSpan.FromMilliseconds(idleMs) : TimeSpan.MaxValue,
            MaxSizeInMegabytes = 1024L * 1024,
            MaxMessageSizeInKilobytes = 102400,
            Settings = settings.Count > 0 ? settings : null,
        };
    }

    /// <summary>Whether the queue was declared with the setting (<see cref="SingleActiveSetting"/>, <see cref="AutoDeleteSetting"/>).</summary>
    public static bool Flag(QueueDescription queue, string setting) => queue.Settings?.GetValueOrDefault(setting) == "true";

    /// <summary>The queue's <c>x-consumer-timeout</c>, else <paramref name="fallback"/> (RabbitMQ's <c>consumer_timeout</c>).</summary>
    public static TimeSpan ConsumerTimeout(QueueDescription queue, TimeSpan fallback) =>
        queue.Settings?.GetValueOrDefault(ConsumerTimeoutSetting) is { } ms && long.TryParse(ms, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long n)
            ? TimeSpan.FromMilliseconds(n)
            : fallback;

    /// <summary>
    /// The <c>x-</c> arguments that describe a core queue, the reverse of <see cref="ToDescription"/>: what the
    /// management API shows and exports. A setting at RabbitMQ's default (no limit, drop-head) is left out;
    /// <paramref name="singleActive"/> (kept by the front-end, not the core) adds <c>x-single-active-consumer</c>.
    /// </summary>
    public static Dictionary<string, object?> FromDescription(QueueDescription queue, bool singleActive = false)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (singleActive || Flag(queue, SingleActiveSetting))
        {
            arguments["x-single-active-consumer"] = true;
        }
        if (queue.DefaultMessageTimeToLive != TimeSpan.MaxValue)
        {
            arguments["x-message-ttl"] = (long)queue.DefaultMessageTimeToLive.TotalMilliseconds;
        }
        if (queue.DeadLetterExchange is { } dlx)
        {
            arguments["x-dead-letter-exchange"] = dlx;
        }
        if (queue.DeadLetterRoutingKey is { } dlk)
        {
            arguments["x-dead-letter-routing-key"] = dlk;
        }
        if (queue.MaxPriority is int priority)
        {
            arguments["x-max-priority"] = (long)priority;
        }
        if (queue.MaxDeliveryCount != int.MaxValue)
        {
            arguments["x-delivery-limit"] = (long)queue.MaxDeliveryCount - 1;
        }
        if (queue.MaxLength is long length)
        {
            arguments["x-max-length"] = length;
        }
        if (queue.MaxLengthBytes is long bytes)
        {
            arguments["x-max-length-bytes"] = bytes;
        }
        if (queue.Overflow != QueueOverflow.DropHead)
        {
            arguments["x-overflow"] = queue.Overflow == QueueOverflow.RejectPublish ? "reject-publish" : "reject-publish-dlx";
        }
        if (queue.Settings?.GetValueOrDefault(ConsumerTimeoutSetting) is { } timeout)
        {
            arguments["x-consumer-timeout"] = long.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
        }
        return arguments;
    }

    /// <summary>
    /// A redeclare of an existing queue: each argument the declare gives must match what the queue has,
    /// else 406 as RabbitMQ answers (arguments it leaves out are not compared, so a queue made through
    /// another protocol, with that protocol's defaults, can be declared here).
    /// </summary>
    public static void CheckEquivalent(QueueDescription existing, Dictionary<string, object?> arguments, string vhost)
    {
        QueueDescription asked = ToDescription(existing.Name, arguments);
        void Compare(string key, object? wanted, object? current)
        {
            if (arguments.TryGetValue(key, out object? received) && !Equals(wanted, current))
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed,
                    $"PRECONDITION_FAILED - inequivalent arg '{key}' for queue '{existing.Name}' in vhost '{vhost}': received '{received}' but current is '{current ?? "none"}'", false, 50, 10);
            }
        }
        Compare("x-max-priority", asked.MaxPriority, existing.MaxPriority);
        Compare("x-dead-letter-exchange", asked.DeadLetterExchange, existing.DeadLetterExchange);
        Compare("x-dead-letter-routing-key", asked.DeadLetterRoutingKey, existing.DeadLetterRoutingKey);
        Compare("x-message-ttl", asked.DefaultMessageTimeToLive, existing.DefaultMessageTimeToLive);
        Compare("x-delivery-limit", asked.MaxDeliveryCount, existing.MaxDeliveryCount);
        Compare("x-max-length", asked.MaxLength, existing.MaxLength);
        Compare("x-max-length-bytes", asked.MaxLengthBytes, existing.MaxLengthBytes);
        Compare("x-overflow", asked.Overflow, existing.Overflow);
        Compare("x-expires", asked.AutoDeleteOnIdle, existing.AutoDeleteOnIdle);
        Compare("x-consumer-timeout", asked.Settings?.GetValueOrDefault(ConsumerTimeoutSetting), existing.Settings?.GetValueOrDefault(ConsumerTimeoutSetting));
    }

    /// <summary><c>x-single-active-consumer</c>: a boolean, or null when not given (kept by the front-end, not the core).</summary>
    public static bool? SingleActiveConsumer(Dictionary<string, object?> arguments) =>
        arguments.TryGetValue("x-single-active-consumer", out object? value) ? value switch
        {
            bool b => b,
            null => null,
            _ => throw Invalid("x-single-active-consumer", value),
        } : null;

    private static string? String(Dictionary<string, object?> arguments, string key) =>
        arguments.TryGetValue(key, out object? value) ? value switch
        {
            string s => s,
            byte[] b => System.Text.Encoding.UTF8.GetString(b),
            null => null,
            _ => throw Invalid(key, value),
        } : null;

    private static long? Integer(Dictionary<string, object?> arguments, string key, long min, long max)
    {
        if (!arguments.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }
        long n = value switch
        {
            sbyte v => v, byte v => v, short v => v, ushort v => v, int v => v, uint v => v, long v => v,
            _ => throw Invalid(key, value),
        };
        return n < min || n > max ? throw Invalid(key, value) : n;
    }

    private static Amqp091Exception Invalid(string key, object? value) =>
        new(ReplyCodes.PreconditionFailed, $"PRECONDITION_FAILED - invalid arg '{key}' for queue: {value}", false, 50, 10);
}
