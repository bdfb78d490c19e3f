using System.Buffers;

namespace Omnibus.Amqp091.Codec;

/// <summary>The properties of class <c>basic</c> (section 1.8.1), each absent when null.</summary>
public sealed record BasicProperties
{
    public string? ContentType { get; init; }
    public string? ContentEncoding { get; init; }
    public Dictionary<string, object?>? Headers { get; init; }
    public byte? DeliveryMode { get; init; }
    public byte? Priority { get; init; }
    public string? CorrelationId { get; init; }
    public string? ReplyTo { get; init; }
    public string? Expiration { get; init; }
    public string? MessageId { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? Type { get; init; }
    public string? UserId { get; init; }
    public string? AppId { get; init; }
    public string? ClusterId { get; init; }
}

/// <summary>A content header frame: class, body size and properties (section 4.2.6.1).</summary>
public readonly record struct ContentHeader(ushort ClassId, ulong BodySize, BasicProperties Properties)
{
    public static ContentHeader Read(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        ushort classId = r.ReadShort();
        r.ReadShort(); // weight, always 0
        ulong bodySize = r.ReadLongLong();
        // Flags may continue in further words (bit 0 set); class basic uses only the first.
        ushort flags = r.ReadShort();
        ushort more = flags;
        while ((more & 1) != 0)
        {
            more = r.ReadShort();
        }
        bool Has(int bit) => (flags & (1 << bit)) != 0;
        var p = new BasicProperties
        {
            ContentType = Has(15) ? r.ReadShortString() : null,
            ContentEncoding = Has(14) ? r.ReadShortString() : null,
            Headers = Has(13) ? r.ReadTable() : null,
            DeliveryMode = Has(12) ? r.ReadOctet() : null,
            Priority = Has(11) ? r.ReadOctet() : null,
            CorrelationId = Has(10) ? r.ReadShortString() : null,
            ReplyTo = Has(9) ? r.ReadShortString() : null,
            Expiration = Has(8) ? r.ReadShortString() : null,
            MessageId = Has(7) ? r.ReadShortString() : null,
            Timestamp = Has(6) ? DateTimeOffset.FromUnixTimeSeconds((long)r.ReadLongLong()) : null,
            Type = Has(5) ? r.ReadShortString() : null,
            UserId = Has(4) ? r.ReadShortString() : null,
            AppId = Has(3) ? r.ReadShortString() : null,
            ClusterId = Has(2) ? r.ReadShortString() : null,
        };
        return new ContentHeader(classId, bodySize, p);
    }

    public void Write(ArrayBufferWriter<byte> output)
    {
        BasicProperties p = Properties;
        ushort flags = 0;
        void Flag(bool present, int bit)
        {
            if (present)
            {
                flags |= (ushort)(1 << bit);
            }
        }
        Flag(p.ContentType is not null, 15);
        Flag(p.ContentEncoding is not null, 14);
        Flag(p.Headers is not null, 13);
        Flag(p.DeliveryMode is not null, 12);
        Flag(p.Priority is not null, 11);
        Flag(p.CorrelationId is not null, 10);
        Flag(p.ReplyTo is not null, 9);
        Flag(p.Expiration is not null, 8);
        Flag(p.MessageId is not null, 7);
        Flag(p.Timestamp is not null, 6);
        Flag(p.Type is not null, 5);
        Flag(p.UserId is not null, 4);
        Flag(p.AppId is not null, 3);
        Flag(p.ClusterId is not null, 2);
        var w = new WireWriter(output);
        w.Short(ClassId).Short(0).LongLong(BodySize).Short(flags);
        if (p.ContentType is { } contentType) { w.ShortString(contentType); }
        if (p.ContentEncoding is { } encoding) { w.ShortString(encoding); }
        if (p.Headers is { } headers) { w.Table(headers); }
        if (p.DeliveryMode is { } mode) { w.Octet(mode); }
        if (p.Priority is { } priority) { w.Octet(priority); }
        if (p.CorrelationId is { } correlation) { w.ShortString(correlation); }
        if (p.ReplyTo is { } replyTo) { w.ShortString(replyTo); }
        if (p.Expiration is { } expiration) { w.ShortString(expiration); }
        if (p.MessageId is { } id) { w.ShortString(id); }
        if (p.Timestamp is { } time) { w.LongLong((ulong)time.ToUnixTimeSeconds()); }
        if (p.Type is { } type) { w.ShortString(type); }
        if (p.UserId is { } user) { w.ShortString(user); }
        if (p.AppId is { } app) { w.ShortString(app); }
        if (p.ClusterId is { } cluster) { w.ShortString(cluster); }
    }
}
