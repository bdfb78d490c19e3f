namespace Omnibus.Amqp.Types;

// IEEE 754 decimal floating point values are carried as their raw bits: no client of ours does
// arithmetic on them, and a broker only has to pass them through unchanged.

/// <summary>An AMQP decimal32 as its raw IEEE 754 bits.</summary>
public readonly record struct AmqpDecimal32(uint Bits);

/// <summary>An AMQP decimal64 as its raw IEEE 754 bits.</summary>
public readonly record struct AmqpDecimal64(ulong Bits);

/// <summary>An AMQP decimal128 as its raw IEEE 754 bits (network order: high half first).</summary>
public readonly record struct AmqpDecimal128(UInt128 Bits);
