using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;
using Omnibus.Core.Security;
using Omnibus.ServiceBus.Security;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// $cbs put-token: validates the SAS token and authorizes the connection until its expiry.
/// Replies carry <c>status-code</c> as an AMQP int (200 or 401), which both SDKs require.
/// </summary>
internal sealed class CbsHandler(AmqpConnection connection) : IDeliveryHandler
{
    public Task<DeliveryState> HandleAsync(IncomingLink link, IncomingDelivery delivery, CancellationToken cancellationToken)
    {
        AmqpMessage request = AmqpMessage.Decode(delivery.Payload);
        string? operation = RequestReply.ApplicationString(request, "operation");
        string audience = RequestReply.ApplicationString(request, "name") ?? "";
        int status;
        string description;
        if (!string.Equals(operation, "put-token", StringComparison.Ordinal))
        {
            status = 400;
            description = "Unknown $cbs operation '" + operation + "'.";
        }
        else
        {
            string? token = (request.Body as ValueBody)?.Value as string;
            SasCheck check = connection.ServiceBus.Application.Signatures.Validate(token);
            string? problem = check.Reason;
            if (check.IsValid)
            {
                connection.Authorization.AuthorizeUntil(check.Expiry, new CallerIdentity(check.KeyName!, "sas"));
                // The first valid token is where an MSSBCBS connection authenticates (the transport's gate and resource tier).
                connection.MarkAuthenticated();
                status = 202;
                description = "Accepted";
            }
            else
            {
                AmqpLog.TokenRefused(connection.Logger, audience, problem ?? "");
                status = 401;
                description = "Unauthorized access: " + problem + ".";
            }
        }
        RequestReply.Send(link, request, new AmqpMap
        {
            { "status-code", status },
            { "status-description", description },
        }, null);
        return Task.FromResult<DeliveryState>(Accepted.Instance);
    }
}
