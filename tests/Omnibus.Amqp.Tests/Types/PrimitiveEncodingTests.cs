using System.Text;
using Omnibus.Amqp.Tests.Support;
using Omnibus.Amqp.Types;

namespace Omnibus.Amqp.Tests.Types;

public class PrimitiveEncodingTests
{
    // Byte vectors worked out by hand from the spec's type tables (part 1, section 1.6).
    public static TheoryData<object?, string> SmallestEncodings => new()
    {
        { null, "40" },
        { true, "41" },
        { false, "42" },
        { (byte)0, "5000" },
        { (byte)255, "50ff" },
        { (ushort)0, "600000" },
        { (ushort)65535, "60ffff" },
        { 0u, "43" },
        { 1u, "5201" },
        { 255u, "52ff" },
        { 256u, "7000000100" },
        { uint.MaxValue, "70ffffffff" },
        { 0ul, "44" },
        { 255ul, "53ff" },
        { 256ul, "800000000000000100" },
        { ulong.MaxValue, "80ffffffffffffffff" },
        { (sbyte)-1, "51ff" },
        { (sbyte)127, "517f" },
        { (short)-2, "61fffe" },
        { 0, "5400" },
        { -1, "54ff" },
        { -128, "5480" },
        { 127, "547f" },
        { 128, "7100000080" },
        { -129, "71ffffff7f" },
        { int.MinValue, "7180000000" },
        { 0L, "5500" },
        { -128L, "5580" },
        { 128L, "810000000000000080" },
        { long.MinValue, "818000000000000000" },
        { 1.5f, "723fc00000" },
        { -0.0d, "828000000000000000" },
        { 1.5d, "823ff8000000000000" },
        { new AmqpDecimal32(0x01020304), "7401020304" },
        { new AmqpDecimal64(0x0102030405060708), "840102030405060708" },
        { new AmqpDecimal128(new UInt128(0x0102030405060708, 0x090a0b0c0d0e0f10)), "940102030405060708090a0b0c0d0e0f10" },
        { new Rune('A'), "7300000041" },
        { new Rune(0x1F600), "730001f600" },
        { new AmqpTimestamp(1), "830000000000000001" },
        { new AmqpTimestamp(-1), "83ffffffffffffffff" },
        { Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "9800112233445566778899aabbccddeeff" },
        { ReadOnlyMemory<byte>.Empty, "a000" },
        { new ReadOnlyMemory<byte>([1, 2]), "a0020102" },
        { "", "a100" },
        { "é", "a102c3a9" },
        { AmqpSymbol.FromString("a"), "a30161" },
        { new List<object?>(), "45" },
        { new List<object?> { 1u }, "c003015201" },
        { new List<object?> { null, true }, "c003024041" },
        { new AmqpMap(), "c10100" },
        { new AmqpMap { { "a", 1 } }, "c10602a101615401" },
        { new int[] { 1, 2 }, "e00402540102" },
        { new int[] { 1, 1000 }, "e00a027100000001000003e8" },
        { new AmqpSymbol[] { AmqpSymbol.FromString("a"), AmqpSymbol.FromString("bc") }, "e00702a30161026263" },
        { new AmqpDescribed(0x10ul, "x"), "005310a10178" },
        { new AmqpDescribed(AmqpSymbol.FromString("a:b"), 1L), "00a303613a625501" },
    };

    [Theory]
    [MemberData(nameof(SmallestEncodings))]
    public void Value_encodes_to_the_smallest_encoding_and_decodes_back(object? value, string hex)
    {
        var expected = Hex.Parse(hex);

        var encoded = Codec.EncodeValue(value);

        Assert.Equal(Hex.Format(expected), Hex.Format(encoded));
        ValueComparer.AssertEqual(value, Codec.DecodeValue(encoded));
    }

    // Wider encodings than needed are legal on the wire and must decode to the same value.
    public static TheoryData<string, object?> WideEncodings => new()
    {
        { "5601", true },
        { "5600", false },
        { "7000000001", 1u },
        { "52 00", 0u },
        { "800000000000000001", 1ul },
        { "71ffffffff", -1 },
        { "81ffffffffffffffff", -1L },
        { "b00000000101", new ReadOnlyMemory<byte>([1]) },
        { "b10000000178", "x" },
        { "b30000000178", AmqpSymbol.FromString("x") },
        { "d0 00000006 00000001 5201", new List<object?> { 1u } },
        { "d0 00000004 00000000", new List<object?>() },
        { "d1 00000007 00000002 41 5401", new AmqpMap { { true, 1 } } },
        { "f0 00000007 00000002 54 0102", new int[] { 1, 2 } },
        { "00 800000000000000010 41", new AmqpDescribed(0x10ul, true) },
    };

    [Theory]
    [MemberData(nameof(WideEncodings))]
    public void Wider_encodings_decode_to_the_same_value(string hex, object? expected)
    {
        ValueComparer.AssertEqual(expected, Codec.DecodeValue(Hex.Parse(hex)));
    }

    [Theory]
    [InlineData(255, "a1ff")]
    [InlineData(256, "b100000100")]
    public void String_switches_to_str32_above_255_utf8_bytes(int length, string prefix)
    {
        var text = new string('x', length);

        var encoded = Codec.EncodeValue(text);

        Assert.StartsWith(prefix, Hex.Format(encoded), StringComparison.Ordinal);
        Assert.Equal(text, Codec.DecodeValue(encoded));
    }

    [Fact]
    public void String_length_counts_utf8_bytes_not_chars()
    {
        var text = new string('é', 128); // 256 UTF-8 bytes

        var encoded = Codec.EncodeValue(text);

        Assert.Equal(FormatCode.String32, encoded[0]);
        Assert.Equal(text, Codec.DecodeValue(encoded));
    }

    [Theory]
    [InlineData(255, FormatCode.Binary8)]
    [InlineData(256, FormatCode.Binary32)]
    public void Binary_switches_to_vbin32_above_255_bytes(int length, byte code)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        var encoded = Codec.EncodeValue(bytes);

        Assert.Equal(code, encoded[0]);
        ValueComparer.AssertEqual(bytes, Codec.DecodeValue(encoded));
    }

    [Theory]
    [InlineData(255, FormatCode.Symbol8)]
    [InlineData(256, FormatCode.Symbol32)]
    public void Symbol_switches_to_sym32_above_255_bytes(int length, byte code)
    {
        var symbol = AmqpSymbol.FromString(new string('s', length));

        var encoded = Codec.EncodeValue(symbol);

        Assert.Equal(code, encoded[0]);
        Assert.Equal(symbol, Codec.DecodeValue(encoded));
    }

    [Fact]
    public void Float_and_double_special_values_round_trip()
    {
        foreach (var value in new object[] { float.NaN, float.PositiveInfinity, float.Epsilon, double.NaN, double.NegativeInfinity, double.MaxValue })
        {
            ValueComparer.AssertEqual(value, Codec.DecodeValue(Codec.EncodeValue(value)));
        }
    }

    [Fact]
    public void Uuid_is_written_in_rfc4122_network_order_not_guid_byte_order()
    {
        var guid = Guid.NewGuid();

        var encoded = Codec.EncodeValue(guid);

        Assert.Equal(guid.ToString("N"), Hex.Format(encoded.AsSpan(1)));
    }

    [Fact]
    public void Timestamp_beyond_datetimeoffset_range_survives_and_clamps_on_conversion()
    {
        var far = new AmqpTimestamp(long.MaxValue);

        Assert.Equal(far, Codec.DecodeValue(Codec.EncodeValue(far)));
        Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), far.ToDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Well_known_symbols_decode_to_the_interned_instance()
    {
        var encoded = Codec.EncodeValue(AmqpSymbol.FromString("x-opt-sequence-number"));

        var decoded = Codec.DecodeValue(encoded);

        Assert.Same(KnownSymbols.SequenceNumber, decoded);
    }

    [Fact]
    public void Symbols_compare_by_bytes_without_decoding()
    {
        var reader = new AmqpReader(Codec.EncodeValue(AmqpSymbol.FromString("x-opt-enqueued-time")));

        Assert.True(reader.ReadSymbolBytes().SequenceEqual("x-opt-enqueued-time"u8));
    }

    [Fact]
    public void Conveniences_encode_as_their_amqp_types()
    {
        Assert.Equal("7300000041", Hex.Format(Codec.EncodeValue('A')));
        Assert.Equal("830000000000000001", Hex.Format(Codec.EncodeValue(DateTimeOffset.FromUnixTimeMilliseconds(1))));
        Assert.Equal("c10602a101615401", Hex.Format(Codec.EncodeValue(new Dictionary<string, object> { ["a"] = 1 })));
        Assert.Equal("830000000000000001", Hex.Format(Codec.EncodeValue(new DateTime(1970, 1, 1, 0, 0, 0, 1, DateTimeKind.Utc))));
        Assert.Equal("830000000000000001", Hex.Format(Codec.EncodeValue(new DateTime(1970, 1, 1, 0, 0, 0, 1, DateTimeKind.Unspecified))));
        var local = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Local);
        Assert.Equal(Hex.Format(Codec.EncodeValue(new DateTimeOffset(local))), Hex.Format(Codec.EncodeValue(local)));
        Assert.Equal("e00503510102ff", Hex.Format(Codec.EncodeValue(new sbyte[] { 1, 2, -1 })));
        Assert.Throws<ArgumentException>(() => Codec.EncodeValue(1.5m));
    }
}
