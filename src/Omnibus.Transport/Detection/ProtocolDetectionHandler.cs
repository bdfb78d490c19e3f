using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Omnibus.Transport.Detection;

/// <summary>
/// First-bytes protocol detection, as RabbitMQ serves AMQP 1.0 and AMQP 0-9-1 on one port: waits
/// for the first <see cref="PeekLength"/> bytes (every AMQP protocol header is 8 bytes), leaves them
/// unread in the pipe and hands the connection to the route that matches (or the endpoint's
/// refusal); an endpoint whose one route takes any bytes hands every connection over unpeeked. A peer that sends fewer bytes and waits is closed by the gate's authentication
/// time-out, as is any silent connection.
/// <para>
/// TLS seam: Kestrel's <c>UseHttps</c> connection middleware goes before this handler on the same
/// endpoint, so detection then sees the decrypted bytes (AMQP over TLS on 5671, as Service Bus
/// does). AMQP's in-band TLS upgrade (<c>AMQP\x02\x01\x00\x00</c>) is refused by the AMQP 1.0
/// engine today.
/// </para>
/// </summary>
public sealed class ProtocolDetectionHandler(EndpointProtocols endpoint)
{
    /// <summary>How many first bytes are peeked.</summary>
    public const int PeekLength = 8;

    /// <summary>The endpoint this handler routes for.</summary>
    public EndpointProtocols Endpoint { get; } = endpoint;

    /// <summary>Kestrel's entry point for one connection.</summary>
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Endpoint.Routes is [{ TakesAnyBytes: true } only])
        {
            await only.Handler(connection).ConfigureAwait(false);
            return;
        }
        PipeReader input = connection.Transport.Input;
        ReadResult result;
        try
        {
            // No cancellation token: a peer that sends a few bytes and half-closes must still get the refusal, and the
            // connection-closed token can fire on its FIN before the read returns them. An abort (the gate's
            // authentication time-out, a reset) ends the read by itself.
            result = await input.ReadAtLeastAsync(PeekLength).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException)
        {
            return;
        }
        ConnectionDelegate? handler = Select(result.Buffer, out _);
        // Consume and examine nothing: the protocol's first read sees the same bytes at once.
        input.AdvanceTo(result.Buffer.Start);
        if (handler is null)
        {
            return;
        }
        await handler(connection).ConfigureAwait(false);
    }

    private ConnectionDelegate? Select(ReadOnlySequence<byte> buffer, out string protocol)
    {
        Span<byte> first = stackalloc byte[PeekLength];
        int length = (int)Math.Min(PeekLength, buffer.Length);
        buffer.Slice(0, length).CopyTo(first);
        return Endpoint.Select(first[..length], out protocol);
    }
}
