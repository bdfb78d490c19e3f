using Omnibus.Amqp.Connection;
using Omnibus.Core.Engine;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>The Service Bus dialect's state of one AMQP connection: its authorization, session locks and transactions.</summary>
internal sealed class ServiceBusConnection(ServiceBusApplication application) : IDisposable
{
    public ServiceBusApplication Application { get; } = application;

    public CbsAuthorization Authorization { get; } = new(application.Clock);

    public SessionLockRegistry SessionLocks { get; } = new();

    /// <summary>Transactions declared on this connection's coordinator.</summary>
    public ConnectionTransactions Transactions { get; } = new();

    /// <summary>Open transactions die with their connection, and so does its token-expiry timer.</summary>
    public void Dispose()
    {
        Transactions.Clear();
        Authorization.Dispose();
    }
}

/// <summary>The dialect's view of an engine connection: what the Service Bus handlers reach through it.</summary>
internal static class ServiceBusConnectionAccess
{
    extension(AmqpConnection connection)
    {
        public ServiceBusConnection ServiceBus => (ServiceBusConnection)connection.State;

        public Broker Broker => connection.ServiceBus.Application.Broker;

        public CbsAuthorization Authorization => connection.ServiceBus.Authorization;

        public SessionLockRegistry SessionLocks => connection.ServiceBus.SessionLocks;

        public ConnectionTransactions Transactions => connection.ServiceBus.Transactions;
    }
}
