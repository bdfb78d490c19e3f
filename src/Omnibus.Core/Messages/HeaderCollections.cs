using System.Collections;

namespace Omnibus.Core.Messages;

/// <summary>
/// An ordered list of header values of any types (AMQP 1.0 list, AMQP 0-9-1 field array). Values
/// nest; see <see cref="HeaderValues"/> for the types allowed and the depth limit. Immutable.
/// </summary>
public sealed class HeaderList(IEnumerable<object?> items) : IReadOnlyList<object?>, IEquatable<HeaderList>
{
    private readonly object?[] _items = [.. items];

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(HeaderList? other) => other is not null && HeaderValues.SequenceEquals(_items, other._items);

    public override bool Equals(object? obj) => obj is HeaderList other && Equals(other);

    public override int GetHashCode() => HeaderValues.SequenceHash(_items);
}

/// <summary>
/// An array of header values that are all of one type (AMQP 1.0 array); nulls are not elements
/// of a typed array and are refused. Immutable.
/// </summary>
public sealed class HeaderArray : IReadOnlyList<object?>, IEquatable<HeaderArray>
{
    private readonly object?[] _items;

    public HeaderArray(IEnumerable<object?> items)
    {
        _items = [.. items];
        Type? type = null;
        foreach (object? item in _items)
        {
            if (item is null)
            {
                throw new ArgumentException("An array header value has no null elements.", nameof(items));
            }
            type ??= item.GetType();
            if (item.GetType() != type)
            {
                throw new ArgumentException($"An array header value holds one type: {type.Name} and {item.GetType().Name} were given.", nameof(items));
            }
        }
    }

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(HeaderArray? other) => other is not null && HeaderValues.SequenceEquals(_items, other._items);

    public override bool Equals(object? obj) => obj is HeaderArray other && Equals(other);

    public override int GetHashCode() => HeaderValues.SequenceHash(_items);
}

/// <summary>
/// An ordered map of header values (AMQP 1.0 map, AMQP 0-9-1 field table such as an
/// <c>x-death</c> entry). Keys are header values too (strings usually); order is kept as given,
/// so a value reads back exactly. Immutable.
/// </summary>
public sealed class HeaderMap(IEnumerable<KeyValuePair<object?, object?>> entries) : IReadOnlyList<KeyValuePair<object?, object?>>, IEquatable<HeaderMap>
{
    private readonly KeyValuePair<object?, object?>[] _entries = [.. entries];

    public int Count => _entries.Length;

    public KeyValuePair<object?, object?> this[int index] => _entries[index];

    /// <summary>The value of the first entry whose key equals <paramref name="key"/>.</summary>
    public bool TryGetValue(object? key, out object? value)
    {
        foreach (KeyValuePair<object?, object?> entry in _entries)
        {
            if (HeaderValues.DeepEquals(entry.Key, key))
            {
                value = entry.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<object?, object?>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();

    public bool Equals(HeaderMap? other)
    {
        if (other is null || other._entries.Length != _entries.Length)
        {
            return false;
        }
        for (int i = 0; i < _entries.Length; i++)
        {
            if (!HeaderValues.DeepEquals(_entries[i].Key, other._entries[i].Key) || !HeaderValues.DeepEquals(_entries[i].Value, other._entries[i].Value))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is HeaderMap other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (KeyValuePair<object?, object?> entry in _entries)
        {
            hash.Add(HeaderValues.Hash(entry.Key));
            hash.Add(HeaderValues.Hash(entry.Value));
        }
        return hash.ToHashCode();
    }
}
