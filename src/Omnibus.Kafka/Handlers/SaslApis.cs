using Omnibus.Kafka.Connection;
using Omnibus.Kafka.Protocol;
using Omnibus.Kafka.Security;

namespace Omnibus.Kafka.Handlers;

/// <summary>
/// SaslHandshake (v1) chooses the mechanism; SaslAuthenticate (v0–2) carries its tokens. A failed step is
/// answered, then the connection closes, as Kafka's SASL listener does. On a PLAINTEXT listener (no mechanism
/// enabled) a handshake gets UNSUPPORTED_SASL_MECHANISM with the empty list.
/// </summary>
internal static class SaslApis
{
    public static bool Handshake(KafkaRequest request)
    {
        string mechanism = request.Reader.String();
        SaslAuthenticator sasl = request.Sasl;
        ErrorCode error = sasl.Select(mechanism);
        request.Writer.Int16((short)error).StringArray([.. sasl.Enabled]);
        request.CloseAfterAnswer = error != ErrorCode.None;
        return true;
    }

    public static bool Authenticate(KafkaRequest request)
    {
        KafkaReader r = request.Reader;
        ReadOnlyMemory<byte> token = r.Bytes();
        if (r.Flexible)
        {
            r.SkipTags();
        }
        SaslStep step = request.Sasl.Step(token.Span);
        KafkaWriter w = request.Writer;
        w.Int16((short)step.Error).NullableString(step.Message).Bytes(step.Response);
        if (request.Version >= 1)
        {
            w.Int64(0); // session_lifetime_ms: no re-authentication is asked for
        }
        w.Tags();
        request.CloseAfterAnswer = step.Error != ErrorCode.None;
        if (step.Error != ErrorCode.None)
        {
            Log.SaslFailed(request.Services.Logger, request.Client.ConnectionId, request.Client.RemoteAddress, request.Sasl.Mechanism, step.Message);
        }
        if (request.Sasl.IsAuthenticated)
        {
            request.Client.User = request.Sasl.User;
        }
        return true;
    }
}
