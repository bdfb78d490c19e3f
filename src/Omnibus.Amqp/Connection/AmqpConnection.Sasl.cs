using Omnibus.Amqp.Framing;
using Omnibus.Amqp.Performatives;
using Omnibus.Amqp.Sasl;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Connection;

internal sealed partial class AmqpConnection
{
    /// <summary>One sasl-init, judged by the application; anything else first is an illegal state.</summary>
    private void OnSaslFrame(in AmqpFrame frame)
    {
        if (PerformativeDecoder.PeekDescriptorCode(frame.Body) != DescriptorCodes.SaslInit)
        {
            throw AmqpProtocolException.Connection(ErrorConditions.IllegalState, "Expected sasl-init.");
        }
        SaslInit init = PerformativeDecoder.Decode<SaslInit>(frame.Body, out _);
        bool offered = Application.SaslMechanisms.Contains(init.Mechanism);
        SaslCode code = offered && Application.Authenticate(this, init.Mechanism, init.InitialResponse ?? ReadOnlyMemory<byte>.Empty)
            ? SaslCode.Ok
            : SaslCode.Auth;
        Writer.Write(0, new SaslOutcome(code));
        _phase = code == SaslCode.Ok ? ConnectionPhase.ExpectAmqpHeaderAfterSasl : ConnectionPhase.Closed;
    }
}
