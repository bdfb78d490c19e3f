using System.Buffers;
using System.Net;
using Omnibus.Kafka.Protocol;

namespace Omnibus.Kafka.Connection;

/// <summary>One request being handled: its frame, a reader over its body, the writer of its answer, and where it came from.</summary>
internal sealed class KafkaRequest
{
    public KafkaRequest(RequestFrame frame, KafkaServices services, KafkaClientInfo client, IPEndPoint? local, Security.SaslAuthenticator sasl, CancellationToken closed)
    {
        Sasl = sasl;
        Frame = frame;
        Services = services;
        Client = client;
        Local = local;
        Closed = closed;
        Reader = frame.BodyReader();
        Writer = new KafkaWriter(Output, frame.Flexible);
    }

    public RequestFrame Frame { get; }

    /// <summary>The connection's SASL exchange.</summary>
    public Security.SaslAuthenticator Sasl { get; }

    /// <summary>Set by a handler whose answer ends the connection (a failed SASL step).</summary>
    public bool CloseAfterAnswer { get; set; }

    public short Version => Frame.ApiVersion;

    public KafkaServices Services { get; }

    public KafkaClientInfo Client { get; }

    public IPEndPoint? Local { get; }

    /// <summary>Cancelled when the connection closes (long polls end).</summary>
    public CancellationToken Closed { get; }

    public KafkaReader Reader { get; }

    public ArrayBufferWriter<byte> Output { get; } = new(256);

    public KafkaWriter Writer { get; }

    /// <summary>Whether the answer's header has tags; ApiVersions' fallback answer changes it.</summary>
    public bool ResponseHeaderTags { get; set; }

    /// <summary>The host clients should reconnect to: the advertised one, else the address this connection reached.</summary>
    public string AdvertisedHost
    {
        get
        {
            if (Services.Options.AdvertisedHost is { } host)
            {
                return host;
            }
            IPAddress? address = Local?.Address;
            if (address is null || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                return "localhost";
            }
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
        }
    }

    public int AdvertisedPort => Services.Options.AdvertisedPort ?? Local?.Port ?? 9092;
}
