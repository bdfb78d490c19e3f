using System.Security.Cryptography;
using System.Text;
using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Connection;

internal sealed partial class AmqpConnection
{
    /// <summary>
    /// MSSBCBS and ANONYMOUS succeed without credentials (authorization follows through $cbs);
    /// PLAIN with a SAS key name and key authorizes the whole connection.
    /// </summary>
    private void OnSaslFrame(in AmqpFrame frame)
    {
        if (PerformativeDecoder.PeekDescriptorCode(frame.Body) != DescriptorCodes.SaslInit)
        {
            throw AmqpProtocolException.Connection(ErrorConditions.IllegalState, "Expected sasl-init.");
        }
        SaslInit init = PerformativeDecoder.Decode<SaslInit>(frame.Body, out _);
        SaslCode code;
        if (init.Mechanism == KnownSymbols.MssbCbs || init.Mechanism == KnownSymbols.Anonymous)
        {
            code = SaslCode.Ok;
        }
        else if (init.Mechanism == KnownSymbols.Plain)
        {
            code = CheckPlain(init.InitialResponse ?? ReadOnlyMemory<byte>.Empty) ? SaslCode.Ok : SaslCode.Auth;
        }
        else
        {
            code = SaslCode.Auth;
        }
        Writer.Write(0, new SaslOutcome(code));
        _phase = code == SaslCode.Ok ? ConnectionPhase.ExpectAmqpHeaderAfterSasl : ConnectionPhase.Closed;
    }

    /// <summary>PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd; authcid is a SAS key name, passwd its key.</summary>
    private bool CheckPlain(ReadOnlyMemory<byte> response)
    {
        ReadOnlySpan<byte> span = response.Span;
        int first = span.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }
        ReadOnlySpan<byte> rest = span[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0)
        {
            return false;
        }
        string user = Encoding.UTF8.GetString(rest[..second]);
        byte[] password = rest[(second + 1)..].ToArray();
        if (!Options.SharedAccessKeys.TryGetValue(user, out string? key))
        {
            return false;
        }
        if (!CryptographicOperations.FixedTimeEquals(password, Encoding.UTF8.GetBytes(key)))
        {
            return false;
        }
        Authorization.AuthorizeConnection();
        return true;
    }
}
