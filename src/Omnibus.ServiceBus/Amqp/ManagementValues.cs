using Omnibus.Amqp.Types;

namespace Omnibus.ServiceBus.Amqp;

/// <summary>Reads $management request maps leniently: arrays or lists, any integer width, symbol or string keys.</summary>
internal static class ManagementValues
{
    public static object? Get(AmqpMap map, string key)
    {
        if (map.TryGetValue(key, out object? value))
        {
            return value;
        }
        return map.TryGetValue(AmqpSymbol.FromString(key), out value) ? value : null;
    }

    public static string? String(AmqpMap map, string key) => Get(map, key) switch
    {
        string s => s,
        AmqpSymbol s => s.ToString(),
        _ => null,
    };

    public static long? Long(AmqpMap map, string key) => ToLong(Get(map, key));

    private static long? ToLong(object? value) => value switch
    {
        long l => l,
        int i => i,
        uint u => u,
        ulong u => (long)u,
        short s => s,
        ushort s => s,
        sbyte b => b,
        byte b => b,
        double d => (long)d,
        _ => null,
    };

    public static IEnumerable<object?> Items(object? value) => value switch
    {
        null => [],
        AmqpArray array => array.Items,
        System.Collections.IEnumerable e when value is not string and not AmqpMap => e.Cast<object?>(),
        _ => [value],
    };

    public static IReadOnlyList<object?> List(AmqpMap map, string key) => [.. Items(Get(map, key))];

    public static long[] Longs(AmqpMap map, string key) =>
        [.. Items(Get(map, key)).Select(v => ToLong(v) ?? throw new FormatException($"'{key}' must hold integers."))];

    public static Guid[] Guids(AmqpMap map, string key) =>
        [.. Items(Get(map, key)).Select(v => v switch
        {
            Guid g => g,
            string s => Guid.Parse(s),
            _ => throw new FormatException($"'{key}' must hold uuids."),
        })];
}
