using System.Text;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Types;

public class CompoundEncodingTests
{
    [Theory]
    [InlineData(254, FormatCode.List8)] // 254 nulls + count byte = size 255
    [InlineData(255, FormatCode.List32)] // size 256 no longer fits
    [InlineData(256, FormatCode.List32)]
    public void List_uses_list8_while_size_and_count_fit_a_byte(int count, byte code)
    {
        var list = Enumerable.Repeat<object?>(null, count).ToList();

        var encoded = Codec.EncodeValue(list);

        Assert.Equal(code, encoded[0]);
        ValueComparer.AssertEqual(list, Codec.DecodeValue(encoded));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(255)]
    [InlineData(256)]
    public void Map_round_trips_at_element_count_boundaries(int pairs)
    {
        var map = new AmqpMap();
        for (var i = 0; i < pairs; i++)
        {
            map.Add(AmqpSymbol.FromString($"k{i}"), i);
        }

        var encoded = Codec.EncodeValue(map);

        Assert.Equal(encoded.Length <= 257 && pairs * 2 <= 255 ? FormatCode.Map8 : FormatCode.Map32, encoded[0]);
        ValueComparer.AssertEqual(map, Codec.DecodeValue(encoded));
    }

    [Theory]
    [InlineData(255)]
    [InlineData(256)]
    public void Array_round_trips_at_count_boundaries(int count)
    {
        var values = Enumerable.Range(0, count).Select(i => (long)i * 1000).ToArray();

        var encoded = Codec.EncodeValue(values);

        Assert.Equal(FormatCode.Array32, encoded[0]);
        ValueComparer.AssertEqual(values, Codec.DecodeValue(encoded));
    }

    public static TheoryData<object> TypedArrays => new()
    {
        new bool[] { true, false },
        new ushort[] { 1, 65535 },
        new uint[] { 1, 2 },
        new uint[] { 0, 70000 },
        new ulong[] { 3 },
        new ulong[] { ulong.MaxValue },
        new sbyte[] { -1 },
        new short[] { -300 },
        new int[] { -5, 5 },
        new long[] { long.MaxValue },
        new float[] { 1.25f },
        new double[] { -2.5 },
        new AmqpTimestamp[] { new(5), new(-5) },
        new Guid[] { Guid.NewGuid(), Guid.NewGuid() },
        new ReadOnlyMemory<byte>[] { new byte[] { 1 }, new byte[300] },
        new string[] { "a", "bé" },
        new string[] { new('x', 300) },
        new AmqpSymbol[] { AmqpSymbol.FromString("x"), AmqpSymbol.FromString(new string('y', 300)) },
        Array.Empty<int>(),
    };

    [Theory]
    [MemberData(nameof(TypedArrays))]
    public void Typed_arrays_round_trip(object array)
    {
        ValueComparer.AssertEqual(array, Codec.DecodeValue(Codec.EncodeValue(array)));
    }

    [Fact]
    public void Array_of_described_values_keeps_descriptor_and_element_constructor()
    {
        // array8, 2 elements of described(0x1234, str8).
        var encoded = Hex.Parse("e0 10 02 00 80 0000000000001234 a1 01 61 01 62");

        var array = Assert.IsType<AmqpArray>(Codec.DecodeValue(encoded));

        Assert.Equal(FormatCode.String8, array.ElementCode);
        Assert.Equal(0x1234ul, array.Descriptor);
        Assert.Equal(["a", "b"], array.Items);
        Assert.Equal(Hex.Format(encoded), Hex.Format(Codec.EncodeValue(array)));
    }

    [Fact]
    public void Array_of_lists_and_maps_round_trips_byte_exactly()
    {
        var lists = new AmqpArray(FormatCode.List8, null, [new List<object?> { 1 }, new List<object?>()]);
        var maps = new AmqpArray(FormatCode.Map32, AmqpSymbol.FromString("d"), [new AmqpMap { { "k", "v" } }]);
        var ubytes = new AmqpArray(FormatCode.UByte, null, [(byte)1, (byte)2]);

        foreach (var array in new[] { lists, maps, ubytes })
        {
            var encoded = Codec.EncodeValue(array);
            var decoded = Codec.DecodeValue(encoded);
            ValueComparer.AssertEqual(array, decoded);
            Assert.Equal(Hex.Format(encoded), Hex.Format(Codec.EncodeValue(decoded)));
        }
    }

    [Fact]
    public void Arrays_of_arrays_decode()
    {
        // array8 of 2 elements, element constructor array8; each element: size, count, code, values.
        var encoded = Hex.Parse("e0 0b 02 e0 04 02 52 01 02 03 01 52 03");

        var array = Assert.IsType<AmqpArray>(Codec.DecodeValue(encoded));

        ValueComparer.AssertEqual(new uint[] { 1, 2 }, array.Items[0]);
        ValueComparer.AssertEqual(new uint[] { 3 }, array.Items[1]);
        Assert.Equal(Hex.Format(encoded), Hex.Format(Codec.EncodeValue(array)));
    }

    [Fact]
    public void Arrays_of_array32_elements_widen_small_inner_arrays()
    {
        var array = new AmqpArray(FormatCode.Array32, null, [new long[] { 1 }, new AmqpArray(FormatCode.UByte, null, [(byte)9])]);

        var encoded = Codec.EncodeValue(array);

        // array8, 2 elements of array32: [size 6, count 1, smalllong, 1] and [size 6, count 1, ubyte, 9].
        Assert.Equal("e01602f0000000060000000155010000000600000001 5009".Replace(" ", "", StringComparison.Ordinal), Hex.Format(encoded));
        ValueComparer.AssertEqual(array, Codec.DecodeValue(encoded));
    }

    [Fact]
    public void Zero_width_element_constructors_decode()
    {
        ValueComparer.AssertEqual(new uint[] { 0, 0, 0 }, Codec.DecodeValue(Hex.Parse("e0 02 03 43")));
        ValueComparer.AssertEqual(new bool[] { true, true }, Codec.DecodeValue(Hex.Parse("e0 02 02 41")));
    }

    [Fact]
    public void Nested_compounds_round_trip()
    {
        var value = new List<object?>
        {
            new AmqpMap { { AmqpSymbol.FromString("a"), new List<object?> { 1, "two", new AmqpMap() } } },
            new AmqpDescribed(0x77ul, new AmqpDescribed(AmqpSymbol.FromString("inner"), new List<object?> { Guid.Empty })),
            new long[] { 1, 2, 3 },
            new string('z', 1000),
        };

        ValueComparer.AssertEqual(value, Codec.DecodeValue(Codec.EncodeValue(value)));
    }

    [Fact]
    public void Skip_value_passes_over_compounds_by_size()
    {
        var first = Codec.EncodeValue(new List<object?> { new AmqpMap { { 1, new string('q', 400) } } });
        var bytes = first.Concat(Codec.EncodeValue(7)).ToArray();
        var reader = new AmqpReader(bytes);

        reader.SkipValue();

        Assert.Equal(first.Length, reader.Position);
        Assert.Equal(7, reader.ReadInt());
    }

    [Fact]
    public void Reader_over_memory_returns_binary_slices_not_copies()
    {
        var bytes = Codec.EncodeValue(new byte[] { 9, 8, 7 });
        var reader = new AmqpReader(new ReadOnlyMemory<byte>(bytes));

        var binary = reader.ReadBinaryMemory();

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(binary, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(2, segment.Offset);
    }

    [Fact]
    public void Multiple_symbol_field_accepts_a_single_symbol_or_an_array()
    {
        var single = Codec.EncodeValue(AmqpSymbol.FromString("one"));
        var array = Codec.EncodeValue(new[] { AmqpSymbol.FromString("one"), AmqpSymbol.FromString("two") });

        Assert.Equal(["one"], Codec.Decode(single, (ref AmqpReader r) => r.ReadSymbolMultiple()).Select(s => s.ToString()));
        Assert.Equal(["one", "two"], Codec.Decode(array, (ref AmqpReader r) => r.ReadSymbolMultiple()).Select(s => s.ToString()));
    }

    [Fact]
    public void Map_lookup_by_symbol_bytes_finds_the_entry()
    {
        var map = new AmqpMap { { KnownSymbols.SequenceNumber, 42L }, { "plain-string", 1 } };

        Assert.True(map.TryGetValue("x-opt-sequence-number"u8, out var value));
        Assert.Equal(42L, value);
        Assert.False(map.TryGetValue("plain-string"u8, out _));
        map["plain-string"] = 2;
        Assert.Equal(2, map["plain-string"]);
        Assert.Equal(2, map.Count);
        Assert.True(map.Remove("plain-string"));
        Assert.Equal(Encoding.ASCII.GetBytes("x-opt-sequence-number"), map.Single().Key is AmqpSymbol s ? s.Bytes.ToArray() : null);
    }
}
