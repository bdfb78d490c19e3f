using Omnibus.Amqp091.Codec;
using Omnibus.Amqp091.Connection;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Routing;
using Omnibus.Core.Security;

namespace Omnibus.Amqp091;

/// <summary>
/// RabbitMQ's rules for declaring exchanges and queues, shared by <c>exchange.declare</c> / <c>queue.declare</c>
/// and the management API's PUTs and definitions import: reserved <c>amq.</c> names, the exchange types
/// served, and a redeclare that must be equivalent. Errors are 0-9-1 channel errors (class 40 or 50, method 10).
/// </summary>
internal static class Declarations
{
    /// <summary>The exchange types a RabbitMQ client may declare.</summary>
    public static readonly string[] ExchangeTypeNames = [ExchangeTypes.Direct, ExchangeTypes.Fanout, ExchangeTypes.Topic, ExchangeTypes.Headers];

    public static bool Exists(Action lookup)
    {
        try
        {
            lookup();
            return true;
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.EntityNotFound)
        {
            return false;
        }
    }

    public static bool ExchangeExists(Broker broker, string name) => Exists(() => broker.GetExchange(name));

    public static bool QueueExists(Broker broker, string name) => Exists(() => broker.GetQueue(name));

    /// <summary>Declares an exchange of one of <see cref="ExchangeTypeNames"/>; a new <c>amq.</c> name is 403, another type 503.</summary>
    public static void DeclareExchange(Broker broker, ExchangeDescription exchange, CallerIdentity caller)
    {
        if (exchange.Name.Length == 0)
        {
            throw new Amqp091Exception(ReplyCodes.AccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange", false, 40, 10);
        }
        if (exchange.Name.StartsWith("amq.", StringComparison.Ordinal) && !ExchangeExists(broker, exchange.Name))
        {
            throw new Amqp091Exception(ReplyCodes.AccessRefused, $"ACCESS_REFUSED - exchange name '{exchange.Name}' contains reserved prefix 'amq.*'", false, 40, 10);
        }
        if (exchange.Type == DelayedMessageType)
        {
            // The delayed-message plugin's type: routed as its x-delayed-type, each message held back by its x-delay.
            string? routedAs = exchange.Arguments.GetValueOrDefault(DelayedTypeArgument) switch
            {
                string s => s,
                byte[] b => System.Text.Encoding.UTF8.GetString(b),
                _ => null,
            };
            if (routedAs is null || !ExchangeTypeNames.Contains(routedAs))
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed, "PRECONDITION_FAILED - Invalid argument, 'x-delayed-type' must be an existing exchange type", false, 40, 10);
            }
            var arguments = new Dictionary<string, object?>(exchange.Arguments, StringComparer.Ordinal) { [DelayedTypeArgument] = routedAs };
            exchange = exchange with { Type = routedAs, Arguments = arguments };
        }
        else if (!ExchangeTypeNames.Contains(exchange.Type))
        {
            throw new Amqp091Exception(ReplyCodes.CommandInvalid, $"COMMAND_INVALID - unknown exchange type '{exchange.Type}'", true, 40, 10);
        }
        broker.DeclareExchange(exchange, caller);
    }

    /// <summary>The delayed-message exchange type (RabbitMQ's rabbitmq_delayed_message_exchange plugin).</summary>
    public const string DelayedMessageType = "x-delayed-message";

    /// <summary>The argument naming the type a delayed-message exchange routes as; the core keeps it, which marks the exchange delayed.</summary>
    public const string DelayedTypeArgument = "x-delayed-type";

    /// <summary>Whether messages published to the exchange are held back by their <c>x-delay</c> header.</summary>
    public static bool IsDelayed(ExchangeDescription exchange) => exchange.Arguments.ContainsKey(DelayedTypeArgument);

    /// <summary>The type as RabbitMQ names it: <c>x-delayed-message</c> for a delayed exchange, else the core's type.</summary>
    public static string TypeNameOf(ExchangeDescription exchange) => IsDelayed(exchange) ? DelayedMessageType : exchange.Type;

    /// <summary>
    /// Creates queue <paramref name="name"/> from its <c>x-</c> arguments, or checks an existing one against them
    /// (406 when they differ). A new <c>amq.</c> name other than a server-named <c>amq.gen-</c> is 403.
    /// </summary>
    /// <returns>True when the queue was created.</returns>
    internal static bool DeclareQueue(Broker broker, QueueUsage usage, string name, Dictionary<string, object?> arguments, CallerIdentity caller, bool autoDelete = false, bool exclusive = false)
    {
        bool? singleActive = QueueArguments.SingleActiveConsumer(arguments);
        if (QueueExists(broker, name))
        {
            QueueArguments.CheckEquivalent(broker.GetQueue(name), arguments, usage.Vhost);
            if (singleActive is bool asked && asked != usage.IsSingleActive(name))
            {
                throw new Amqp091Exception(ReplyCodes.PreconditionFailed,
                    $"PRECONDITION_FAILED - inequivalent arg 'x-single-active-consumer' for queue '{name}' in vhost '{usage.Vhost}': received '{(asked ? "true" : "false")}' but current is '{(asked ? "false" : "true")}'", false, 50, 10);
            }
            return false;
        }
        if (name.StartsWith("amq.", StringComparison.Ordinal) && !name.StartsWith("amq.gen-", StringComparison.Ordinal))
        {
            throw new Amqp091Exception(ReplyCodes.AccessRefused, $"ACCESS_REFUSED - queue name '{name}' contains reserved prefix 'amq.*'", false, 50, 10);
        }
        broker.CreateQueue(QueueArguments.ToDescription(name, arguments, autoDelete, exclusive), caller);
        // A queue of that name gone earlier (through another protocol, or expired) leaves nothing behind.
        usage.Forget(name);
        if (singleActive == true)
        {
            usage.DeclaredSingleActive(name);
        }
        return true;
    }
}
