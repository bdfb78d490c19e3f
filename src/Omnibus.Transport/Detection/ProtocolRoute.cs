using Microsoft.AspNetCore.Connections;

namespace Omnibus.Transport.Detection;

/// <summary>
/// One protocol an endpoint serves: a test on the connection's first bytes and the handler that
/// gets the connection when it matches. The bytes are peeked, not consumed: the handler reads
/// them again as its protocol header.
/// </summary>
/// <param name="Name">For logs (for example <c>amqp-1.0</c>).</param>
/// <param name="Matches">True when the first bytes (up to <see cref="ProtocolDetectionHandler.PeekLength"/>, fewer if the peer sent fewer before closing) are this protocol's.</param>
/// <param name="Handler">Serves the connection.</param>
public sealed record ProtocolRoute(string Name, ProtocolMatch Matches, ConnectionDelegate Handler)
{
    /// <summary>
    /// True for a route that takes a connection whatever its first bytes: alone on an endpoint it gets the
    /// connection at once, before any byte arrives, so its own framing sees every byte as it comes (a Kafka
    /// request's 4-byte size is judged as soon as it is there).
    /// </summary>
    public bool TakesAnyBytes { get; private init; }

    /// <summary>A route for every connection, whatever its first bytes (a port that serves one protocol only).</summary>
    public static ProtocolRoute ForAnyBytes(string name, ConnectionDelegate handler) =>
        new(name, _ => true, handler) { TakesAnyBytes = true };

    /// <summary>A route for connections whose first bytes are exactly one of <paramref name="headers"/>.</summary>
    public static ProtocolRoute ForHeaders(string name, ConnectionDelegate handler, params byte[][] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        byte[][] copies = [.. headers.Select(h => h.ToArray())];
        return new ProtocolRoute(name, first => StartsWithAny(first, copies), handler);
    }

    private static bool StartsWithAny(ReadOnlySpan<byte> first, byte[][] headers)
    {
        foreach (byte[] header in headers)
        {
            if (first.StartsWith(header))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A test on the first bytes of a connection.</summary>
public delegate bool ProtocolMatch(ReadOnlySpan<byte> firstBytes);
