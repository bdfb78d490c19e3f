namespace Omnibus.Amqp.Types;

public ref partial struct AmqpReader
{
    private object ReadArrayBody(byte code)
    {
        var scope = ReadArrayHeaderBody(code, out var elementCode, out var descriptor);
        object? result = descriptor is null ? ReadTypedArrayElements(elementCode, scope.Count) : null;
        if (result is null)
        {
            var items = new object?[scope.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = ReadValueBody(elementCode);
            }

            result = new AmqpArray(elementCode, descriptor, items);
        }

        EndCompound(scope);
        return result;
    }

    // Element types with a natural CLR array; null means "use AmqpArray".
    private Array? ReadTypedArrayElements(byte elementCode, int count)
    {
        switch (elementCode)
        {
            case FormatCode.True or FormatCode.False or FormatCode.Boolean:
                var booleans = new bool[count];
                for (var i = 0; i < count; i++) booleans[i] = ReadBooleanBody(elementCode);
                return booleans;
            case FormatCode.UShort:
                var ushorts = new ushort[count];
                for (var i = 0; i < count; i++) ushorts[i] = ReadUShortBody(elementCode);
                return ushorts;
            case FormatCode.UInt0 or FormatCode.SmallUInt or FormatCode.UInt:
                var uints = new uint[count];
                for (var i = 0; i < count; i++) uints[i] = ReadUIntBody(elementCode);
                return uints;
            case FormatCode.ULong0 or FormatCode.SmallULong or FormatCode.ULong:
                var ulongs = new ulong[count];
                for (var i = 0; i < count; i++) ulongs[i] = ReadULongBody(elementCode);
                return ulongs;
            case FormatCode.Byte:
                var sbytes = new sbyte[count];
                for (var i = 0; i < count; i++) sbytes[i] = ReadByteBody(elementCode);
                return sbytes;
            case FormatCode.Short:
                var shorts = new short[count];
                for (var i = 0; i < count; i++) shorts[i] = ReadShortBody(elementCode);
                return shorts;
            case FormatCode.SmallInt or FormatCode.Int:
                var ints = new int[count];
                for (var i = 0; i < count; i++) ints[i] = ReadIntBody(elementCode);
                return ints;
            case FormatCode.SmallLong or FormatCode.Long:
                var longs = new long[count];
                for (var i = 0; i < count; i++) longs[i] = ReadLongBody(elementCode);
                return longs;
            case FormatCode.Float:
                var floats = new float[count];
                for (var i = 0; i < count; i++) floats[i] = ReadFloatBody(elementCode);
                return floats;
            case FormatCode.Double:
                var doubles = new double[count];
                for (var i = 0; i < count; i++) doubles[i] = ReadDoubleBody(elementCode);
                return doubles;
            case FormatCode.Timestamp:
                var timestamps = new AmqpTimestamp[count];
                for (var i = 0; i < count; i++) timestamps[i] = ReadTimestampBody(elementCode);
                return timestamps;
            case FormatCode.Uuid:
                var uuids = new Guid[count];
                for (var i = 0; i < count; i++) uuids[i] = ReadUuidBody(elementCode);
                return uuids;
            case FormatCode.Binary8 or FormatCode.Binary32:
                var binaries = new ReadOnlyMemory<byte>[count];
                for (var i = 0; i < count; i++) binaries[i] = ReadBinaryMemoryBody(elementCode);
                return binaries;
            case FormatCode.String8 or FormatCode.String32:
                var strings = new string[count];
                for (var i = 0; i < count; i++) strings[i] = ReadStringBody(elementCode);
                return strings;
            case FormatCode.Symbol8 or FormatCode.Symbol32:
                var symbols = new AmqpSymbol[count];
                for (var i = 0; i < count; i++) symbols[i] = ReadSymbolBody(elementCode);
                return symbols;
            default:
                return null;
        }
    }
}
