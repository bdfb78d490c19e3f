using Omnibus.Core.Security;
using System.Text;
using Omnibus.Amqp.Connection;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.ServiceBus.Security;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>
/// The Service Bus dialect on the AMQP 1.0 engine: SASL MSSBCBS / ANONYMOUS (authorization follows
/// through $cbs) and PLAIN with a shared access key name and key; links by address (entities,
/// $cbs, $management, the transaction coordinator); core errors as the SDKs' conditions.
/// </summary>
internal sealed class ServiceBusApplication(Broker broker, SharedAccessSignature signatures) : IAmqpApplication
{
    private static readonly AmqpSymbol[] Mechanisms = [KnownSymbols.MssbCbs, KnownSymbols.Plain, KnownSymbols.Anonymous];

    public Broker Broker { get; } = broker;

    /// <summary>The one shared-access-signature check, shared with the HTTP surfaces.</summary>
    public SharedAccessSignature Signatures { get; } = signatures;

    public TimeProvider Clock => Broker.Options.TimeProvider;

    public IReadOnlyList<AmqpSymbol> SaslMechanisms => Mechanisms;

    public object CreateConnectionState(AmqpConnection connection) => new ServiceBusConnection(this);

    public bool Authenticate(AmqpConnection connection, AmqpSymbol mechanism, ReadOnlyMemory<byte> initialResponse)
    {
        if (mechanism == KnownSymbols.MssbCbs || mechanism == KnownSymbols.Anonymous)
        {
            return true;
        }
        if (mechanism == KnownSymbols.Plain && CheckPlain(initialResponse.Span, out string keyName))
        {
            connection.Authorization.AuthorizeConnection(new CallerIdentity(keyName, "sasl-plain"));
            // A key in SASL PLAIN authenticates the connection at once (MSSBCBS and ANONYMOUS: at the first valid $cbs token).
            connection.MarkAuthenticated();
            return true;
        }
        return false;
    }

    public AmqpLink CreateLink(AmqpSession session, Attach attach) => ServiceBusLinkFactory.Create(session, attach);

    public AmqpError? TryMapError(Exception exception) => exception is MessagingException e ? ErrorMapper.ToError(e) : null;

    /// <summary>PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd; authcid is a key name, passwd its key.</summary>
    private bool CheckPlain(ReadOnlySpan<byte> response, out string keyName)
    {
        keyName = "";
        int first = response.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }
        ReadOnlySpan<byte> rest = response[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0)
        {
            return false;
        }
        keyName = Encoding.UTF8.GetString(rest[..second]);
        return Signatures.CheckKey(keyName, rest[(second + 1)..]);
    }
}
