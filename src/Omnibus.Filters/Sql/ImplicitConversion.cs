namespace Omnibus.Filters.Sql;

/// <summary>
/// The conversion a SET applies when the property already holds a value of another type: the
/// new value takes the existing type when it converts without loss, so <c>SET quantity =
/// quantity / 2</c> leaves an Int32 property an Int32 (the Int64 constant would otherwise
/// widen it, and a .NET receiver casting to int would fail). Otherwise the value keeps its own type.
/// </summary>
internal static class ImplicitConversion
{
    public static object? ToTypeOf(object? existing, in SqlValue value)
    {
        if (existing is null || value.IsNull) return value.ToObject();
        var integral = value.Kind is ValueKind.Int32 or ValueKind.UInt32 or ValueKind.Int64 or ValueKind.UInt64;
        if (integral)
        {
            var wide = value.Kind == ValueKind.UInt64 ? (decimal)value.AsUInt64 : SqlOps.ToInt64(value);
            switch (existing)
            {
                case int when wide is >= int.MinValue and <= int.MaxValue: return (int)wide;
                case long when wide is >= long.MinValue and <= long.MaxValue: return (long)wide;
                case short when wide is >= short.MinValue and <= short.MaxValue: return (short)wide;
                case byte when wide is >= byte.MinValue and <= byte.MaxValue: return (byte)wide;
                case sbyte when wide is >= sbyte.MinValue and <= sbyte.MaxValue: return (sbyte)wide;
                case ushort when wide is >= ushort.MinValue and <= ushort.MaxValue: return (ushort)wide;
                case uint when wide is >= uint.MinValue and <= uint.MaxValue: return (uint)wide;
                case ulong when wide is >= ulong.MinValue and <= ulong.MaxValue: return (ulong)wide;
                case double: return (double)wide;
                case float: return (float)wide;
                case decimal: return wide;
            }
        }
        else if (value.Kind == ValueKind.Single && existing is double)
        {
            return (double)value.AsSingle;
        }
        else if (value.Kind == ValueKind.Double && existing is float)
        {
            var d = value.AsDouble;
            var f = (float)d;
            if (f == d || double.IsNaN(d)) return f;
        }
        return value.ToObject();
    }
}
