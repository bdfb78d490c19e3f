using System.Collections;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Support;

/// <summary>Deep equality over the AMQP object model (binary by content, maps in order, arrays by element).</summary>
internal static class ValueComparer
{
    public static void AssertEqual(object? expected, object? actual)
    {
        Assert.True(AreEqual(expected, actual), $"expected {Describe(expected)} but was {Describe(actual)}");
    }

    public static bool AreEqual(object? expected, object? actual)
    {
        switch (expected, actual)
        {
            case (null, null):
                return true;
            case (null, _) or (_, null):
                return false;
            case (ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b):
                return a.Span.SequenceEqual(b.Span);
            case (byte[] a, ReadOnlyMemory<byte> b):
                return b.Span.SequenceEqual(a);
            case (AmqpMap a, AmqpMap b):
                return a.Count == b.Count && a.Zip(b).All(p => AreEqual(p.First.Key, p.Second.Key) && AreEqual(p.First.Value, p.Second.Value));
            case (AmqpDescribed a, AmqpDescribed b):
                return AreEqual(a.Descriptor, b.Descriptor) && AreEqual(a.Value, b.Value);
            case (AmqpArray a, AmqpArray b):
                return a.ElementCode == b.ElementCode && AreEqual(a.Descriptor, b.Descriptor) && AreEqual(a.Items.ToList(), b.Items.ToList());
            case (string a, string b):
                return a == b;
            case (IList a, IList b) when expected.GetType() == actual.GetType() || (a is IList<object?> && b is IList<object?>):
                return a.Count == b.Count && Enumerable.Range(0, a.Count).All(i => AreEqual(a[i], b[i]));
            case (float a, float b):
                return a.Equals(b);
            case (double a, double b):
                return a.Equals(b);
            default:
                return expected.GetType() == actual.GetType() && expected.Equals(actual);
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        ReadOnlyMemory<byte> m => $"binary[{Hex.Format(m.Span)}]",
        IEnumerable e and not string => $"{value.GetType().Name}[{string.Join(", ", e.Cast<object?>().Select(Describe))}]",
        _ => $"{value.GetType().Name}({value})",
    };
}
