namespace Omnibus.Amqp.Types;

/// <summary>
/// An AMQP array whose elements have no natural CLR array type: arrays of described values,
/// of lists, maps or arrays, of ubyte (a <c>byte[]</c> means binary here), of decimals or chars.
/// Arrays of the other primitives decode to typed CLR arrays (<c>Guid[]</c>, <c>long[]</c>,
/// <c>AmqpSymbol[]</c>, ...).
/// </summary>
/// <param name="ElementCode">The element constructor (after the descriptor, when described).</param>
/// <param name="Descriptor">The element descriptor (<see cref="ulong"/> or <see cref="AmqpSymbol"/>), or null.</param>
/// <param name="Items">The element values.</param>
public sealed record AmqpArray(byte ElementCode, object? Descriptor, IReadOnlyList<object?> Items);
