using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Messages;

/// <summary>Random envelopes: every header value type, containers nested a few levels, repeated names.</summary>
internal static class EnvelopeGenerators
{
    private static readonly Gen<long> Longs = Gen.Frequency(
        (3, Gen.Choose(-300, 300).Select(i => (long)i)),
        (2, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => ((long)t.Item1 << 32) | (uint)t.Item2)),
        (1, Gen.Elements(0L, long.MinValue, long.MaxValue, 255L, -129L)));

    private static readonly Gen<byte[]> Bytes = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();

    // Valid UTF-16 only: a lone surrogate cannot survive UTF-8, by design of UTF-8.
    private static readonly Gen<string> Strings = Gen.Frequency(
        (4, Gen.Elements('a', 'z', ' ', 'é', 'ß', '€', '中', '\0', ':').ArrayOf().Select(cs => new string(cs))),
        (1, Gen.Constant("😀 emoji")));

    private static readonly Gen<DateTimeOffset> Times = Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(-14 * 60, 14 * 60))
        .Select(t => new DateTimeOffset(new DateTime(2000, 1, 1).AddSeconds(t.Item1).Ticks, TimeSpan.FromMinutes(t.Item2)));

    private static readonly Gen<object?> Scalars = Gen.OneOf(
        Gen.Constant<object?>(null),
        Gen.Elements<object?>(true, false),
        Longs.Select(v => (object?)(byte)v),
        Longs.Select(v => (object?)(sbyte)v),
        Longs.Select(v => (object?)(short)v),
        Longs.Select(v => (object?)(ushort)v),
        Longs.Select(v => (object?)(int)v),
        Longs.Select(v => (object?)(uint)v),
        Longs.Select(v => (object?)v),
        Longs.Select(v => (object?)(ulong)v),
        Longs.Select(v => (object?)BitConverter.Int32BitsToSingle((int)v)),
        Longs.Select(v => (object?)BitConverter.Int64BitsToDouble(v)),
        Longs.Zip(Gen.Choose(0, 28)).Select(t => (object?)(new decimal(t.Item1) / (decimal)Math.Pow(10, t.Item2 % 10))),
        Longs.Two().Zip(Gen.Choose(-40, 40)).Select(t => (object?)new ScaledDecimal(new BigInteger(t.Item1.Item1) * t.Item1.Item2, t.Item2)),
        Gen.Choose(0x20, 0xD7FF).Select(c => (object?)(char)c),
        Strings.Select(s => (object?)s),
        Bytes.Where(b => b.Length >= 16).Select(b => (object?)new Guid(b.AsSpan(0, 16))),
        Times.Select(t => (object?)t.UtcDateTime),
        Times.Select(t => (object?)t),
        Longs.Select(v => (object?)new TimeSpan(v)),
        Gen.Elements<object?>(new Uri("amqp://host/path?q=1"), new Uri("relative/x", UriKind.Relative)),
        Bytes.Select(b => (object?)b));

    private static Gen<object?> Value(int depth)
    {
        if (depth <= 0)
        {
            return Scalars;
        }
        Gen<object?> inner = Gen.Sized(_ => Value(depth - 1));
        return Gen.Frequency(
            (6, Scalars),
            (2, inner.ListOf().Select(items => (object?)new HeaderList(items))),
            (1, Longs.ArrayOf().Select(items => (object?)new HeaderArray(items.Select(i => (object?)i)))),
            (1, Strings.ArrayOf().Select(items => (object?)new HeaderArray(items))),
            (2, Strings.Zip(inner).ListOf().Select(pairs => (object?)new HeaderMap(pairs.Select(p => new KeyValuePair<object?, object?>(p.Item1, p.Item2))))));
    }

    private static readonly Gen<string> Names = Gen.Frequency((3, Strings), (2, Gen.Elements("a", "b", "x-death")));

    private static Gen<List<KeyValuePair<string, object?>>> Headers =>
        Names.Zip(Gen.Sized(s => Value(Math.Min(s / 10, 4)))).ListOf().Select(pairs => pairs.Select(p => new KeyValuePair<string, object?>(p.Item1, p.Item2)).ToList());

    private static Gen<T?> Maybe<T>(Gen<T> gen)
        where T : class => Gen.Frequency((1, Gen.Constant<T?>(null)), (2, gen.Select(v => (T?)v)));

    private static Gen<T?> MaybeValue<T>(Gen<T> gen)
        where T : struct => Gen.Frequency((1, Gen.Constant<T?>(null)), (2, gen.Select(v => (T?)v)));

    public static Arbitrary<BrokerMessage> Messages => Arb.From(
        from body in Maybe(Bytes)
        from key in Maybe(Bytes)
        from produced in MaybeValue(Times)
        from enqueued in Times
        from strings in Maybe(Strings).ArrayOf(12)
        from priority in MaybeValue(Gen.Choose(0, 255).Select(p => (byte)p))
        from durable in MaybeValue(Gen.Elements(true, false))
        from userId in Maybe(Bytes)
        from ttl in MaybeValue(Longs.Select(v => new TimeSpan(Math.Abs(v % TimeSpan.MaxValue.Ticks))))
        from headers in Headers
        from native in Headers
        select Build(body, key, produced, enqueued, strings, priority, durable, userId, ttl, headers, native));

    private static BrokerMessage Build(
        byte[]? body, byte[]? key, DateTimeOffset? produced, DateTimeOffset enqueued, string?[] s, byte? priority, bool? durable, byte[]? userId,
        TimeSpan? ttl, List<KeyValuePair<string, object?>> headers, List<KeyValuePair<string, object?>> native)
    {
        var m = new BrokerMessage
        {
            Key = key is null ? null : new ReadOnlyMemory<byte>(key), ProducerTimestamp = produced, EnqueuedTime = enqueued.ToUniversalTime(),
            MessageId = s[0], CorrelationId = s[1], Subject = s[2], ContentType = s[3], To = s[4], ReplyTo = s[5], SessionId = s[6],
            ReplyToSessionId = s[7], PartitionKey = s[8], ContentEncoding = s[9], AppId = s[10], DeduplicationId = s[11],
            Priority = priority, Durable = durable, UserId = userId, TimeToLive = ttl,
        };
        if (body is null)
        {
            m.HasBody = false;
        }
        else
        {
            m.Body = body;
        }
        foreach (KeyValuePair<string, object?> h in headers)
        {
            m.ApplicationProperties.Add(h.Key, h.Value);
        }
        foreach (KeyValuePair<string, object?> f in native)
        {
            m.NativeFields.Add("test:" + f.Key, f.Value);
        }
        return m;
    }
}
