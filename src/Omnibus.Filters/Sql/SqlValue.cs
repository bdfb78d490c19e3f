using System.Globalization;
using System.Runtime.CompilerServices;

namespace Omnibus.Filters.Sql;

/// <summary>The runtime kind of a <see cref="SqlValue"/>.</summary>
internal enum ValueKind : byte
{
    /// <summary>SQL unknown: a missing user property or a null value.</summary>
    Null,
    Bool,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    String,
    Guid,
    DateTime,
    TimeSpan,
    /// <summary>Any other CLR value (byte[], Uri, ...): only null tests and equality apply.</summary>
    Other,
    /// <summary>An evaluation error; the text is the reason.</summary>
    Error,
}

/// <summary>
/// A filter value held without boxing: numbers, booleans, dates and time spans live in
/// <see cref="_bits"/>; strings, boxed decimals and Guids, other objects and error texts in
/// <see cref="_ref"/>. 24 bytes, so evaluating a comparison copies no heap object.
/// </summary>
internal readonly struct SqlValue
{
    private readonly object? _ref;
    private readonly long _bits;
    public readonly ValueKind Kind;

    private SqlValue(ValueKind kind, long bits, object? reference)
    {
        Kind = kind;
        _bits = bits;
        _ref = reference;
    }

    public static readonly SqlValue Null;
    public static readonly SqlValue True = new(ValueKind.Bool, 1, null);
    public static readonly SqlValue False = new(ValueKind.Bool, 0, null);

    public static SqlValue FromBool(bool value) => value ? True : False;
    public static SqlValue FromInt32(int value) => new(ValueKind.Int32, value, null);
    public static SqlValue FromUInt32(uint value) => new(ValueKind.UInt32, value, null);
    public static SqlValue FromInt64(long value) => new(ValueKind.Int64, value, null);
    public static SqlValue FromUInt64(ulong value) => new(ValueKind.UInt64, unchecked((long)value), null);
    public static SqlValue FromSingle(float value) => new(ValueKind.Single, BitConverter.SingleToInt32Bits(value), null);
    public static SqlValue FromDouble(double value) => new(ValueKind.Double, BitConverter.DoubleToInt64Bits(value), null);
    public static SqlValue FromDecimal(decimal value) => new(ValueKind.Decimal, 0, value);
    public static SqlValue FromString(string? value) => value is null ? Null : new(ValueKind.String, 0, value);
    public static SqlValue FromGuid(Guid value) => new(ValueKind.Guid, 0, value);
    public static SqlValue FromDateTime(DateTime value) => new(ValueKind.DateTime, ToUtc(value).Ticks, null);
    public static SqlValue FromTimeSpan(TimeSpan value) => new(ValueKind.TimeSpan, value.Ticks, null);
    public static SqlValue Error(string reason) => new(ValueKind.Error, 0, reason);

    public bool IsNull => Kind == ValueKind.Null;
    public bool IsError => Kind == ValueKind.Error;
    public bool IsNumeric => Kind is >= ValueKind.Int32 and <= ValueKind.Decimal;

    public bool AsBool => _bits != 0;
    public int AsInt32 => (int)_bits;
    public uint AsUInt32 => (uint)_bits;
    public long AsInt64 => _bits;
    public ulong AsUInt64 => unchecked((ulong)_bits);
    public float AsSingle => BitConverter.Int32BitsToSingle((int)_bits);
    public double AsDouble => BitConverter.Int64BitsToDouble(_bits);
    public decimal AsDecimal => (decimal)_ref!;
    public string AsString => (string)_ref!;
    public Guid AsGuid => (Guid)_ref!;
    public DateTime AsDateTime => new(_bits, DateTimeKind.Utc);
    public TimeSpan AsTimeSpan => new(_bits);
    public object? AsOther => _ref;
    public string ErrorText => (string)_ref!;

    private static DateTime ToUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;

    /// <summary>
    /// Wraps a CLR value as read from a message. Integral types narrower than int widen to
    /// Int32 as C# does; char reads as a one-character string (decision in docs/filters.md).
    /// Boxed decimals and Guids are kept by reference, so nothing is allocated.
    /// </summary>
    public static SqlValue FromObject(object? value)
    {
        switch (value)
        {
            case null: return Null;
            case string s: return new(ValueKind.String, 0, s);
            case int i: return FromInt32(i);
            case long l: return FromInt64(l);
            case bool b: return FromBool(b);
            case double d: return FromDouble(d);
            case float f: return FromSingle(f);
            case decimal: return new(ValueKind.Decimal, 0, value);
            case Guid: return new(ValueKind.Guid, 0, value);
            case DateTime dt: return FromDateTime(dt);
            case DateTimeOffset dto: return FromDateTime(dto.UtcDateTime);
            case TimeSpan ts: return FromTimeSpan(ts);
            case short sh: return FromInt32(sh);
            case byte by: return FromInt32(by);
            case sbyte sb: return FromInt32(sb);
            case ushort us: return FromInt32(us);
            case uint ui: return FromUInt32(ui);
            case ulong ul: return FromUInt64(ul);
            case char c: return new(ValueKind.String, 0, c.ToString());
            default: return new(ValueKind.Other, 0, value);
        }
    }

    /// <summary>The CLR value to store in a message (boxes value types).</summary>
    public object? ToObject() => Kind switch
    {
        ValueKind.Null => null,
        ValueKind.Bool => AsBool,
        ValueKind.Int32 => AsInt32,
        ValueKind.UInt32 => AsUInt32,
        ValueKind.Int64 => AsInt64,
        ValueKind.UInt64 => AsUInt64,
        ValueKind.Single => AsSingle,
        ValueKind.Double => AsDouble,
        ValueKind.DateTime => AsDateTime,
        ValueKind.TimeSpan => AsTimeSpan,
        _ => _ref,
    };

    public static string KindName(ValueKind kind) => kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Bool => "Boolean",
        ValueKind.Other => "Object",
        _ => kind.ToString(),
    };

    /// <summary>Text form used for string concatenation (invariant culture, as C# + on string).</summary>
    public string ToInvariantString() => Kind switch
    {
        ValueKind.Null => string.Empty,
        ValueKind.Bool => AsBool ? "True" : "False",
        ValueKind.Int32 => AsInt32.ToString(CultureInfo.InvariantCulture),
        ValueKind.UInt32 => AsUInt32.ToString(CultureInfo.InvariantCulture),
        ValueKind.Int64 => AsInt64.ToString(CultureInfo.InvariantCulture),
        ValueKind.UInt64 => AsUInt64.ToString(CultureInfo.InvariantCulture),
        ValueKind.Single => AsSingle.ToString(CultureInfo.InvariantCulture),
        ValueKind.Double => AsDouble.ToString(CultureInfo.InvariantCulture),
        ValueKind.Decimal => AsDecimal.ToString(CultureInfo.InvariantCulture),
        ValueKind.DateTime => AsDateTime.ToString("o", CultureInfo.InvariantCulture),
        ValueKind.TimeSpan => AsTimeSpan.ToString("c", CultureInfo.InvariantCulture),
        _ => Convert.ToString(_ref, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    public override string ToString() => Kind == ValueKind.Error ? "error: " + ErrorText : KindName(Kind) + " " + ToInvariantString();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SqlValue Not(in SqlValue v) => v.Kind == ValueKind.Bool ? FromBool(!v.AsBool) : v;
}
