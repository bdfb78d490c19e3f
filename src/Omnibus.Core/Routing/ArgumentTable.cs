using System.Collections;

namespace Omnibus.Core.Routing;

/// <summary>
/// Typed values of argument tables and headers as routing compares them: every integer width is one
/// class (a client may encode 5 as a byte, a short or a long), <c>float</c> and <c>double</c> are
/// one class, byte arrays compare by content, lists and tables by their elements; anything else by
/// <see cref="object.Equals(object?)"/>. Strings compare ordinally.
/// </summary>
public static class ArgumentTable
{
    /// <summary>Equal tables: the same keys (ordinal, any order) with equal values.</summary>
    public static bool TablesEqual(IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            return false;
        }
        foreach (KeyValuePair<string, object?> kv in a)
        {
            if (!b.TryGetValue(kv.Key, out object? other) || !ValuesEqual(kv.Value, other))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Equal values under the type classes above.</summary>
    public static bool ValuesEqual(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (AsInteger(a) is { } ia && AsInteger(b) is { } ib)
        {
            return ia == ib;
        }
        if (a is float or double && b is float or double)
        {
            return Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture).Equals(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture));
        }
        switch (a)
        {
            case string s:
                return b is string t && string.Equals(s, t, StringComparison.Ordinal);
            case byte[] x:
                return b is byte[] y && x.AsSpan().SequenceEqual(y);
            case IReadOnlyDictionary<string, object?> ta:
                return b is IReadOnlyDictionary<string, object?> tb && TablesEqual(ta, tb);
            case IList la when a is not string:
                if (b is not IList lb || la.Count != lb.Count)
                {
                    return false;
                }
                for (int i = 0; i < la.Count; i++)
                {
                    if (!ValuesEqual(la[i], lb[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return a.Equals(b);
        }
    }

    /// <summary>The value as a wide integer when it is an integer of any width, else null.</summary>
    private static Int128? AsInteger(object value) => value switch
    {
        sbyte v => v,
        byte v => v,
        short v => v,
        ushort v => v,
        int v => v,
        uint v => v,
        long v => v,
        ulong v => v,
        _ => null,
    };
}

/// <summary>Checks of names and argument values before anything is stored.</summary>
internal static class RoutingValidation
{
    /// <summary>The longest exchange name, in UTF-8 bytes (RabbitMQ's limit).</summary>
    public const int MaxExchangeNameLength = 255;

    public static void ValidateExchangeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new MessagingException(MessagingErrorCode.InvalidOperation, "The default exchange cannot be declared, deleted or bound.");
        }
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(name);
        }
        catch (ArgumentException)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, "The exchange name is not valid Unicode (a lone surrogate).");
        }
        if (bytes > MaxExchangeNameLength)
        {
            throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The exchange name must be at most {MaxExchangeNameLength} bytes.");
        }
        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The exchange name contains the control character U+{(int)c:X4}.");
            }
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Refuses a table holding a value the routing catalog cannot store (nested lists and tables are fine).</summary>
    public static void ValidateArguments(IReadOnlyDictionary<string, object?> table, string what)
    {
        ArgumentNullException.ThrowIfNull(table, what);
        foreach (KeyValuePair<string, object?> kv in table)
        {
            if (!IsStorable(kv.Value, 0))
            {
                throw new MessagingException(MessagingErrorCode.InvalidArgument, $"The {what} '{kv.Key}' has a value of unsupported type {kv.Value?.GetType().Name} (or nests deeper than {MaxNesting}).");
            }
        }
    }

    /// <summary>How deep lists and tables may nest inside an argument value.</summary>
    public const int MaxNesting = 16;

    private static bool IsStorable(object? value, int depth) => value switch
    {
        null or bool or string or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal
            or char or Guid or DateTime or DateTimeOffset or TimeSpan or Uri or byte[] => true,
        IReadOnlyDictionary<string, object?> t => depth < MaxNesting && t.Values.All(v => IsStorable(v, depth + 1)),
        System.Collections.IList l => depth < MaxNesting && l.Cast<object?>().All(v => IsStorable(v, depth + 1)),
        _ => false,
    };
}
