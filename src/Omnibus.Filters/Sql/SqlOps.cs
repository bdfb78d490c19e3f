using System.Runtime.CompilerServices;

namespace Omnibus.Filters.Sql;

internal enum CompareOp : byte { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

internal enum ArithmeticOp : byte { Add, Subtract, Multiply, Divide, Modulo }

/// <summary>
/// Operators over <see cref="SqlValue"/>: binary numeric promotion as C# does it, checked
/// integer arithmetic, SQL unknown propagation. Nothing here allocates except error texts,
/// string concatenation and decimal results.
/// </summary>
internal static class SqlOps
{
    /// <summary>
    /// The kind both numeric operands are converted to, following C# binary numeric promotion
    /// (ECMA-334 §12.4.7.3). Two pairs that C# refuses to bind get a defined answer here
    /// (see docs/filters.md): decimal with float/double computes in double (the language has no
    /// decimal literal, so <c>price &gt; 2.5</c> must work), and ulong with a signed type
    /// computes in decimal, which holds both exactly.
    /// </summary>
    public static ValueKind Promote(ValueKind a, ValueKind b)
    {
        if (a == ValueKind.Decimal || b == ValueKind.Decimal)
        {
            return a is ValueKind.Single or ValueKind.Double || b is ValueKind.Single or ValueKind.Double
                ? ValueKind.Double
                : ValueKind.Decimal;
        }
        if (a == ValueKind.Double || b == ValueKind.Double) return ValueKind.Double;
        if (a == ValueKind.Single || b == ValueKind.Single) return ValueKind.Single;
        if (a == ValueKind.UInt64 || b == ValueKind.UInt64)
        {
            return a is ValueKind.Int32 or ValueKind.Int64 || b is ValueKind.Int32 or ValueKind.Int64
                ? ValueKind.Decimal
                : ValueKind.UInt64;
        }
        if (a == ValueKind.Int64 || b == ValueKind.Int64) return ValueKind.Int64;
        if (a == ValueKind.UInt32 || b == ValueKind.UInt32)
        {
            return a == ValueKind.Int32 || b == ValueKind.Int32 ? ValueKind.Int64 : ValueKind.UInt32;
        }
        return ValueKind.Int32;
    }

    public static long ToInt64(in SqlValue v) => v.Kind switch
    {
        ValueKind.Int32 => v.AsInt32,
        ValueKind.UInt32 => v.AsUInt32,
        _ => v.AsInt64,
    };

    public static ulong ToUInt64(in SqlValue v) => v.Kind == ValueKind.UInt64 ? v.AsUInt64 : (ulong)ToInt64(v);

    public static double ToDouble(in SqlValue v) => v.Kind switch
    {
        ValueKind.Int32 => v.AsInt32,
        ValueKind.UInt32 => v.AsUInt32,
        ValueKind.Int64 => v.AsInt64,
        ValueKind.UInt64 => v.AsUInt64,
        ValueKind.Single => v.AsSingle,
        ValueKind.Decimal => (double)v.AsDecimal,
        _ => v.AsDouble,
    };

    public static float ToSingle(in SqlValue v) => v.Kind switch
    {
        ValueKind.Single => v.AsSingle,
        ValueKind.UInt64 => v.AsUInt64,
        _ => ToInt64(v),
    };

    public static decimal ToDecimal(in SqlValue v) => v.Kind switch
    {
        ValueKind.Decimal => v.AsDecimal,
        ValueKind.UInt64 => v.AsUInt64,
        _ => ToInt64(v),
    };

    public static string OpText(CompareOp op) => op switch
    {
        CompareOp.Equal => "=",
        CompareOp.NotEqual => "<>",
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        _ => ">=",
    };

    public static string OpText(ArithmeticOp op) => op switch
    {
        ArithmeticOp.Add => "+",
        ArithmeticOp.Subtract => "-",
        ArithmeticOp.Multiply => "*",
        ArithmeticOp.Divide => "/",
        _ => "%",
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SqlValue FromOrder(CompareOp op, int c) => op switch
    {
        CompareOp.Equal => SqlValue.FromBool(c == 0),
        CompareOp.NotEqual => SqlValue.FromBool(c != 0),
        CompareOp.Less => SqlValue.FromBool(c < 0),
        CompareOp.LessOrEqual => SqlValue.FromBool(c <= 0),
        CompareOp.Greater => SqlValue.FromBool(c > 0),
        _ => SqlValue.FromBool(c >= 0),
    };

    private static SqlValue CompareDouble(CompareOp op, double a, double b) => op switch
    {
        // IEEE semantics as in C#: every ordered comparison with NaN is false, != is true.
        CompareOp.Equal => SqlValue.FromBool(a == b),
        CompareOp.NotEqual => SqlValue.FromBool(a != b),
        CompareOp.Less => SqlValue.FromBool(a < b),
        CompareOp.LessOrEqual => SqlValue.FromBool(a <= b),
        CompareOp.Greater => SqlValue.FromBool(a > b),
        _ => SqlValue.FromBool(a >= b),
    };

    /// <summary>Compares two values; Bool result, Null when either side is unknown, Error on a type mismatch.</summary>
    public static SqlValue Compare(CompareOp op, in SqlValue a, in SqlValue b)
    {
        if (a.Kind == ValueKind.Error) return a;
        if (b.Kind == ValueKind.Error) return b;
        if (a.Kind == ValueKind.Null || b.Kind == ValueKind.Null) return SqlValue.Null;

        if (a.Kind == b.Kind)
        {
            switch (a.Kind)
            {
                case ValueKind.String: return FromOrder(op, string.CompareOrdinal(a.AsString, b.AsString));
                case ValueKind.Int64: return FromOrder(op, a.AsInt64.CompareTo(b.AsInt64));
                case ValueKind.Int32: return FromOrder(op, a.AsInt32.CompareTo(b.AsInt32));
                case ValueKind.Double: return CompareDouble(op, a.AsDouble, b.AsDouble);
                case ValueKind.DateTime:
                case ValueKind.TimeSpan: return FromOrder(op, a.AsInt64.CompareTo(b.AsInt64));
                case ValueKind.Bool:
                case ValueKind.Guid:
                case ValueKind.Other:
                    if (op is CompareOp.Equal or CompareOp.NotEqual)
                    {
                        var equal = a.Kind == ValueKind.Bool ? a.AsBool == b.AsBool : Equals(a.AsOther, b.AsOther);
                        return SqlValue.FromBool(equal == (op == CompareOp.Equal));
                    }
                    return SqlValue.Error($"Operator '{OpText(op)}' cannot be applied to operands of type {SqlValue.KindName(a.Kind)}.");
            }
        }

        if (a.IsNumeric && b.IsNumeric)
        {
            switch (Promote(a.Kind, b.Kind))
            {
                case ValueKind.Int32:
                case ValueKind.Int64: return FromOrder(op, ToInt64(a).CompareTo(ToInt64(b)));
                case ValueKind.UInt32:
                case ValueKind.UInt64: return FromOrder(op, ToUInt64(a).CompareTo(ToUInt64(b)));
                case ValueKind.Single: return CompareDouble(op, ToSingle(a), ToSingle(b));
                case ValueKind.Decimal: return FromOrder(op, ToDecimal(a).CompareTo(ToDecimal(b)));
                default: return CompareDouble(op, ToDouble(a), ToDouble(b));
            }
        }

        return SqlValue.Error(
            $"Operator '{OpText(op)}' cannot be applied to operands of type {SqlValue.KindName(a.Kind)} and {SqlValue.KindName(b.Kind)}.");
    }

    /// <summary>Equality used by IN and correlation filters: like <c>=</c> but a type mismatch is simply "not equal".</summary>
    public static bool LooseEquals(in SqlValue a, in SqlValue b)
    {
        if (a.Kind != b.Kind && !(a.IsNumeric && b.IsNumeric)) return false;
        var r = Compare(CompareOp.Equal, a, b);
        return r.Kind == ValueKind.Bool && r.AsBool;
    }

    private static SqlValue Overflow(ArithmeticOp op, ValueKind kind) =>
        SqlValue.Error($"Arithmetic overflow in '{OpText(op)}' on {SqlValue.KindName(kind)}.");

    private static SqlValue DivideByZero(ValueKind kind) =>
        SqlValue.Error($"Division by zero on {SqlValue.KindName(kind)}.");

    public static SqlValue Arithmetic(ArithmeticOp op, in SqlValue a, in SqlValue b)
    {
        if (a.Kind == ValueKind.Error) return a;
        if (b.Kind == ValueKind.Error) return b;
        if (a.Kind == ValueKind.Null || b.Kind == ValueKind.Null) return SqlValue.Null;

        if (a.IsNumeric && b.IsNumeric)
        {
            var kind = Promote(a.Kind, b.Kind);
            switch (kind)
            {
                case ValueKind.Int32: return Int32Op(op, a.AsInt32, b.AsInt32);
                case ValueKind.UInt32: return UInt32Op(op, a.AsUInt32, b.AsUInt32);
                case ValueKind.Int64: return Int64Op(op, ToInt64(a), ToInt64(b));
                case ValueKind.UInt64: return UInt64Op(op, ToUInt64(a), ToUInt64(b));
                case ValueKind.Single: return SqlValue.FromSingle(FloatOp(op, ToSingle(a), ToSingle(b)));
                case ValueKind.Double: return SqlValue.FromDouble(DoubleOp(op, ToDouble(a), ToDouble(b)));
                default: return DecimalOp(op, ToDecimal(a), ToDecimal(b));
            }
        }

        if (op == ArithmeticOp.Add && (a.Kind == ValueKind.String || b.Kind == ValueKind.String))
        {
            // C# binds string + object to concatenation.
            return SqlValue.FromString(string.Concat(a.ToInvariantString(), b.ToInvariantString()));
        }

        if (op is ArithmeticOp.Add or ArithmeticOp.Subtract)
        {
            var temporal = TemporalOp(op, a, b);
            if (temporal.HasValue) return temporal.Value;
        }

        return SqlValue.Error(
            $"Operator '{OpText(op)}' cannot be applied to operands of type {SqlValue.KindName(a.Kind)} and {SqlValue.KindName(b.Kind)}.");
    }

    private static SqlValue? TemporalOp(ArithmeticOp op, in SqlValue a, in SqlValue b)
    {
        long ticks;
        ValueKind resultKind;
        if (a.Kind == ValueKind.DateTime && b.Kind == ValueKind.DateTime && op == ArithmeticOp.Subtract)
        {
            resultKind = ValueKind.TimeSpan;
        }
        else if (a.Kind == ValueKind.DateTime && b.Kind == ValueKind.TimeSpan)
        {
            resultKind = ValueKind.DateTime;
        }
        else if (a.Kind == ValueKind.TimeSpan && b.Kind == ValueKind.DateTime && op == ArithmeticOp.Add)
        {
            resultKind = ValueKind.DateTime;
        }
        else if (a.Kind == ValueKind.TimeSpan && b.Kind == ValueKind.TimeSpan)
        {
            resultKind = ValueKind.TimeSpan;
        }
        else
        {
            return null;
        }

        var x = a.AsInt64;
        var y = b.AsInt64;
        ticks = op == ArithmeticOp.Add ? x + y : x - y;
        var overflow = op == ArithmeticOp.Add ? ((x ^ ticks) & (y ^ ticks)) < 0 : ((x ^ y) & (x ^ ticks)) < 0;
        if (overflow || (resultKind == ValueKind.DateTime && (ulong)ticks > (ulong)DateTime.MaxValue.Ticks))
        {
            return Overflow(op, resultKind);
        }
        return resultKind == ValueKind.DateTime
            ? SqlValue.FromDateTime(new DateTime(ticks, DateTimeKind.Utc))
            : SqlValue.FromTimeSpan(new TimeSpan(ticks));
    }

    private static SqlValue Int32Op(ArithmeticOp op, int x, int y)
    {
        if (op is ArithmeticOp.Divide or ArithmeticOp.Modulo && y == 0) return DivideByZero(ValueKind.Int32);
        long r = op switch
        {
            ArithmeticOp.Add => (long)x + y,
            ArithmeticOp.Subtract => (long)x - y,
            ArithmeticOp.Multiply => (long)x * y,
            ArithmeticOp.Divide => (long)x / y,
            _ => y == -1 ? 0 : x % y,
        };
        if (op == ArithmeticOp.Modulo && x == int.MinValue && y == -1) return Overflow(op, ValueKind.Int32);
        return r is < int.MinValue or > int.MaxValue ? Overflow(op, ValueKind.Int32) : SqlValue.FromInt32((int)r);
    }

    private static SqlValue UInt32Op(ArithmeticOp op, uint x, uint y)
    {
        if (op is ArithmeticOp.Divide or ArithmeticOp.Modulo && y == 0) return DivideByZero(ValueKind.UInt32);
        long r = op switch
        {
            ArithmeticOp.Add => (long)x + y,
            ArithmeticOp.Subtract => (long)x - y,
            ArithmeticOp.Multiply => (long)x * y,
            ArithmeticOp.Divide => x / y,
            _ => x % y,
        };
        return r is < 0 or > uint.MaxValue ? Overflow(op, ValueKind.UInt32) : SqlValue.FromUInt32((uint)r);
    }

    private static SqlValue Int64Op(ArithmeticOp op, long x, long y)
    {
        switch (op)
        {
            case ArithmeticOp.Add:
            {
                var r = unchecked(x + y);
                return ((x ^ r) & (y ^ r)) < 0 ? Overflow(op, ValueKind.Int64) : SqlValue.FromInt64(r);
            }
            case ArithmeticOp.Subtract:
            {
                var r = unchecked(x - y);
                return ((x ^ y) & (x ^ r)) < 0 ? Overflow(op, ValueKind.Int64) : SqlValue.FromInt64(r);
            }
            case ArithmeticOp.Multiply:
            {
                var high = Math.BigMul(x, y, out var low);
                return (high == 0 && low >= 0) || (high == -1 && low < 0)
                    ? SqlValue.FromInt64(low)
                    : Overflow(op, ValueKind.Int64);
            }
            default:
                if (y == 0) return DivideByZero(ValueKind.Int64);
                if (x == long.MinValue && y == -1) return Overflow(op, ValueKind.Int64);
                return SqlValue.FromInt64(op == ArithmeticOp.Divide ? x / y : x % y);
        }
    }

    private static SqlValue UInt64Op(ArithmeticOp op, ulong x, ulong y)
    {
        switch (op)
        {
            case ArithmeticOp.Add:
            {
                var r = unchecked(x + y);
                return r < x ? Overflow(op, ValueKind.UInt64) : SqlValue.FromUInt64(r);
            }
            case ArithmeticOp.Subtract:
                return x < y ? Overflow(op, ValueKind.UInt64) : SqlValue.FromUInt64(x - y);
            case ArithmeticOp.Multiply:
            {
                var high = Math.BigMul(x, y, out var low);
                return high != 0 ? Overflow(op, ValueKind.UInt64) : SqlValue.FromUInt64(low);
            }
            default:
                if (y == 0) return DivideByZero(ValueKind.UInt64);
                return SqlValue.FromUInt64(op == ArithmeticOp.Divide ? x / y : x % y);
        }
    }

    private static float FloatOp(ArithmeticOp op, float x, float y) => op switch
    {
        ArithmeticOp.Add => x + y,
        ArithmeticOp.Subtract => x - y,
        ArithmeticOp.Multiply => x * y,
        ArithmeticOp.Divide => x / y,
        _ => x % y,
    };

    private static double DoubleOp(ArithmeticOp op, double x, double y) => op switch
    {
        ArithmeticOp.Add => x + y,
        ArithmeticOp.Subtract => x - y,
        ArithmeticOp.Multiply => x * y,
        ArithmeticOp.Divide => x / y,
        _ => x % y,
    };

    private static SqlValue DecimalOp(ArithmeticOp op, decimal x, decimal y)
    {
        if (op is ArithmeticOp.Divide or ArithmeticOp.Modulo && y == 0m) return DivideByZero(ValueKind.Decimal);
        try
        {
            return SqlValue.FromDecimal(op switch
            {
                ArithmeticOp.Add => x + y,
                ArithmeticOp.Subtract => x - y,
                ArithmeticOp.Multiply => x * y,
                ArithmeticOp.Divide => x / y,
                _ => x % y,
            });
        }
        catch (OverflowException)
        {
            // decimal has no overflow test without trying; this path is rare (values near 7.9e28).
            return Overflow(op, ValueKind.Decimal);
        }
    }

    public static SqlValue Negate(in SqlValue v)
    {
        switch (v.Kind)
        {
            case ValueKind.Null:
            case ValueKind.Error: return v;
            case ValueKind.Int32: return v.AsInt32 == int.MinValue ? Overflow(ArithmeticOp.Subtract, ValueKind.Int32) : SqlValue.FromInt32(-v.AsInt32);
            case ValueKind.UInt32: return SqlValue.FromInt64(-(long)v.AsUInt32);
            case ValueKind.Int64: return v.AsInt64 == long.MinValue ? Overflow(ArithmeticOp.Subtract, ValueKind.Int64) : SqlValue.FromInt64(-v.AsInt64);
            case ValueKind.UInt64: return SqlValue.FromDecimal(-(decimal)v.AsUInt64);
            case ValueKind.Single: return SqlValue.FromSingle(-v.AsSingle);
            case ValueKind.Double: return SqlValue.FromDouble(-v.AsDouble);
            case ValueKind.Decimal: return SqlValue.FromDecimal(-v.AsDecimal);
            case ValueKind.TimeSpan: return v.AsInt64 == long.MinValue ? Overflow(ArithmeticOp.Subtract, ValueKind.TimeSpan) : SqlValue.FromTimeSpan(new TimeSpan(-v.AsInt64));
            default: return SqlValue.Error($"Unary '-' cannot be applied to an operand of type {SqlValue.KindName(v.Kind)}.");
        }
    }

    public static SqlValue Plus(in SqlValue v) =>
        v.Kind is ValueKind.Null or ValueKind.Error or ValueKind.TimeSpan || v.IsNumeric
            ? v
            : SqlValue.Error($"Unary '+' cannot be applied to an operand of type {SqlValue.KindName(v.Kind)}.");
}
