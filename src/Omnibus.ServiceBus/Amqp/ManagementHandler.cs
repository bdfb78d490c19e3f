using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;
using Omnibus.Core;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// <c>&lt;entity&gt;/$management</c> requests (operation in application property <c>operation</c>,
/// body an amqp-value map). Replies carry <c>statusCode</c> (AMQP int), <c>statusDescription</c>,
/// <c>errorCondition</c> on failure, and always an amqp-value map body.
/// </summary>
internal sealed partial class ManagementHandler(AmqpConnection connection, string entityPath) : IDeliveryHandler
{
    public async Task<DeliveryState> HandleAsync(IncomingLink link, IncomingDelivery delivery, CancellationToken cancellationToken)
    {
        AmqpMessage request = AmqpMessage.Decode(delivery.Payload);
        string operation = RequestReply.ApplicationString(request, "operation") ?? "";
        AmqpMap body = (request.Body as ValueBody)?.Value as AmqpMap ?? new AmqpMap();
        int status;
        string description;
        AmqpSymbol? condition = null;
        AmqpMap replyBody;
        try
        {
            ReadOnlyMemory<byte>? transaction = delivery.State is Omnibus.Amqp.Transactions.TransactionalState transactional ? transactional.TxnId : default(ReadOnlyMemory<byte>?);
            (status, replyBody) = await ExecuteAsync(operation, body, transaction).ConfigureAwait(false);
            description = status == 200 ? "OK" : status == 204 ? "No Content" : "";
        }
        catch (MessagingException e)
        {
            status = ErrorMapper.ToStatusCode(e.Code);
            condition = ErrorMapper.ToCondition(e.Code);
            description = e.Message;
            replyBody = new AmqpMap();
        }
        catch (ManagementException e)
        {
            status = e.Status;
            condition = e.Condition;
            description = e.Message;
            replyBody = new AmqpMap();
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or ArgumentException or KeyNotFoundException or AmqpDecodeException)
        {
            status = 400;
            condition = Omnibus.Amqp.Performatives.ErrorConditions.ArgumentError;
            description = "Bad request: " + e.Message;
            replyBody = new AmqpMap();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AmqpLog.ManagementUnexpected(connection.Logger, operation, e);
            status = 500;
            condition = Omnibus.Amqp.Performatives.ErrorConditions.InternalError;
            description = "Internal error.";
            replyBody = new AmqpMap();
        }
        var properties = new AmqpMap
        {
            { "statusCode", status },
            { "statusDescription", description },
        };
        if (condition is not null)
        {
            properties.Add("errorCondition", condition);
        }
        RequestReply.Send(link, request, properties, replyBody);
        return delivery.State is Omnibus.Amqp.Transactions.TransactionalState t
            ? new Omnibus.Amqp.Transactions.TransactionalState(t.TxnId, Accepted.Instance)
            : Accepted.Instance;
    }
}

/// <summary>A $management failure with its own status and condition.</summary>
internal sealed class ManagementException : Exception
{
    public ManagementException(int status, AmqpSymbol condition, string message)
        : base(message)
    {
        Status = status;
        Condition = condition;
    }

    public ManagementException()
    {
        Condition = Omnibus.Amqp.Performatives.ErrorConditions.InternalError;
    }

    public ManagementException(string message)
        : base(message)
    {
        Condition = Omnibus.Amqp.Performatives.ErrorConditions.InternalError;
    }

    public ManagementException(string message, Exception innerException)
        : base(message, innerException)
    {
        Condition = Omnibus.Amqp.Performatives.ErrorConditions.InternalError;
    }

    public int Status { get; } = 500;

    public AmqpSymbol Condition { get; }
}
