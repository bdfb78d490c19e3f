using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Transactions;
using Omnibus.Amqp.Types;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>Decides what an attached link is, from its role and address (the Service Bus dialect).</summary>
internal static class ServiceBusLinkFactory
{
    /// <summary>Creates the link; throws a link-scope <see cref="AmqpProtocolException"/> or a MessagingException to refuse it.</summary>
    public static AmqpLink Create(AmqpSession session, Attach attach)
    {
        AmqpLink link = CreateUntracked(session, attach, out bool needsAuthorization);
        if (needsAuthorization)
        {
            // Closed with unauthorized-access when the token it was attached under lapses.
            session.Connection.Authorization.Track(link);
        }
        return link;
    }

    private static AmqpLink CreateUntracked(AmqpSession session, Attach attach, out bool needsAuthorization)
    {
        needsAuthorization = false;
        AmqpConnection connection = session.Connection;
        if (attach.Role == LinkRole.Sender)
        {
            if (attach.Target is Coordinator)
            {
                return new IncomingLink(session, attach, "coordinator", new TransactionCoordinator(connection), connection.Options.MaxMessageSize);
            }
            string target = ServiceBusNames.Resolve(connection.Broker, EntityAddress.Normalize((attach.Target as Target)?.Address));
            if (EntityAddress.IsCbs(target))
            {
                return new IncomingLink(session, attach, target, new CbsHandler(connection), connection.Options.MaxMessageSize);
            }
            if (EntityAddress.IsManagement(target, out string managedEntity))
            {
                RequireAuthorization(connection);
                needsAuthorization = true;
                return new IncomingLink(session, attach, target, new ManagementHandler(connection, ServiceBusNames.Resolve(connection.Broker, managedEntity)), connection.Options.MaxMessageSize);
            }
            RequireAuthorization(connection);
            needsAuthorization = true;
            if (target.Length == 0 || !connection.Broker.IsSendTarget(target))
            {
                throw NotFound(connection, target);
            }
            ulong limit = Math.Min(connection.Options.MaxMessageSize, EntityMaxMessageSize(connection, target));
            return new IncomingLink(session, attach, target, new EntitySendHandler(target), limit);
        }

        string source = ServiceBusNames.Resolve(connection.Broker, EntityAddress.Normalize(attach.Source?.Address));
        if (EntityAddress.IsCbs(source) || EntityAddress.IsManagement(source, out _))
        {
            return new ReplyLink(session, attach, source);
        }
        RequireAuthorization(connection);
        needsAuthorization = true;
        if (source.Length == 0)
        {
            throw NotFound(connection, source);
        }
        Core.Engine.Receivable receivable;
        try
        {
            receivable = ServiceBusNames.GetReceivable(connection.Broker, source, connection.Authorization.Caller);
        }
        catch (Core.MessagingException e) when (e.Code == Core.MessagingErrorCode.EntityNotFound)
        {
            throw NotFound(connection, source);
        }
        return new EntityReceiverLink(session, attach, source, receivable);
    }

    private static void RequireAuthorization(AmqpConnection connection)
    {
        if (!connection.Authorization.IsAuthorized())
        {
            throw AmqpProtocolException.Link(ErrorConditions.UnauthorizedAccess, "Unauthorized access. Put a valid token on $cbs before attaching.");
        }
    }

    /// <summary>Service Bus names the missing entity by its full address, on the host the client opened the connection to.</summary>
    public static AmqpProtocolException NotFound(AmqpConnection connection, string path) =>
        AmqpProtocolException.Link(ErrorConditions.NotFound, $"The messaging entity 'sb://{(string.IsNullOrEmpty(connection.PeerHostname) ? "localhost" : connection.PeerHostname)}/{path}' could not be found.");

    private static ulong EntityMaxMessageSize(AmqpConnection connection, string path)
    {
        try
        {
            return (ulong)connection.Broker.GetQueue(path).MaxMessageSizeInKilobytes * 1024;
        }
        catch (Core.MessagingException)
        {
            try
            {
                return (ulong)connection.Broker.GetTopic(path).MaxMessageSizeInKilobytes * 1024;
            }
            catch (Core.MessagingException)
            {
                return connection.Options.MaxMessageSize;
            }
        }
    }

    /// <summary>The symbol key of a source filter, whether the filter is keyed by symbol or string.</summary>
    public static bool TryGetFilter(Source? source, AmqpSymbol key, out object? value)
    {
        value = null;
        if (source?.Filter is not { } filter)
        {
            return false;
        }
        foreach (KeyValuePair<object?, object?> pair in filter)
        {
            if ((pair.Key is AmqpSymbol s && s == key) || (pair.Key is string text && text == key.ToString()))
            {
                value = pair.Value;
                return true;
            }
        }
        return false;
    }
}
