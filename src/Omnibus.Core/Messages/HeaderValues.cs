namespace Omnibus.Core.Messages;

/// <summary>
/// The types a header or native field value may hold, and the nesting limit. Scalars: null, bool,
/// integers of every width, float, double, decimal, <see cref="ScaledDecimal"/>, char, string,
/// Guid, DateTime, DateTimeOffset (timestamps), TimeSpan, Uri, byte[]. Containers, which nest:
/// <see cref="HeaderList"/>, <see cref="HeaderArray"/>, <see cref="HeaderMap"/>.
/// </summary>
public static class HeaderValues
{
    /// <summary>
    /// How deep containers may nest (a list in a header is depth 1). Deep enough for any real
    /// header (RabbitMQ's x-death is depth 2), shallow enough that decoding a hostile record or
    /// frame cannot exhaust the stack.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>True for a scalar value of a supported type.</summary>
    public static bool IsScalar(object? value) => value is null or bool or sbyte or byte or short or ushort or int or uint or long or ulong
        or float or double or decimal or ScaledDecimal or char or string or Guid or DateTime or DateTimeOffset or TimeSpan or Uri or byte[] or ReadOnlyMemory<byte>;

    /// <summary>True when the value and everything inside it is supported and nests no deeper than <see cref="MaxDepth"/>.</summary>
    public static bool IsSupported(object? value) => Check(value, 0) is null;

    /// <summary>
    /// Throws a <see cref="MessagingException"/> (InvalidArgument) naming <paramref name="name"/>
    /// when the value has an unsupported type or nests deeper than <see cref="MaxDepth"/>.
    /// </summary>
    public static void Validate(string name, object? value)
    {
        if (Check(value, 0) is { } problem)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"Header '{name}' {problem}.");
        }
    }

    /// <summary>Validates every entry of <paramref name="headers"/>.</summary>
    public static void Validate(MessageHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (KeyValuePair<string, object?> header in headers)
        {
            Validate(header.Key, header.Value);
        }
    }

    private static string? Check(object? value, int depth)
    {
        if (IsScalar(value))
        {
            return null;
        }
        if (value is not (HeaderList or HeaderArray or HeaderMap))
        {
            return $"has unsupported type {value!.GetType().Name}";
        }
        if (depth + 1 > MaxDepth)
        {
            return $"nests deeper than {MaxDepth} levels";
        }
        if (value is HeaderMap map)
        {
            foreach (KeyValuePair<object?, object?> entry in map)
            {
                if ((Check(entry.Key, depth + 1) ?? Check(entry.Value, depth + 1)) is { } problem)
                {
                    return problem;
                }
            }
            return null;
        }
        foreach (object? item in (IEnumerable<object?>)value)
        {
            if (Check(item, depth + 1) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    /// <summary>
    /// The size a value counts for in <see cref="BrokerMessage.Size"/>: a string its length, a
    /// container the sum of what it holds, any other value 8.
    /// </summary>
    public static long EstimateSize(object? value) => value switch
    {
        string s => s.Length,
        HeaderMap map => map.Sum(e => EstimateSize(e.Key) + EstimateSize(e.Value)),
        HeaderList list => list.Sum(EstimateSize),
        HeaderArray array => array.Sum(EstimateSize),
        _ => 8,
    };

    /// <summary>Structural equality: byte arrays by content, containers element by element.</summary>
    public static bool DeepEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span),
        _ => a.Equals(b),
    };

    internal static bool SequenceEquals(object?[] a, object?[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (int i = 0; i < a.Length; i++)
        {
            if (!DeepEquals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    internal static int SequenceHash(object?[] items)
    {
        var hash = new HashCode();
        foreach (object? item in items)
        {
            hash.Add(Hash(item));
        }
        return hash.ToHashCode();
    }

    internal static int Hash(object? value) => value switch
    {
        null => 0,
        byte[] b => b.Length,
        ReadOnlyMemory<byte> b => b.Length,
        _ => value.GetHashCode(),
    };
}
