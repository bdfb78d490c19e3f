using System.Collections;

namespace Omnibus.Amqp.Types;

/// <summary>
/// An AMQP map: ordered key/value pairs, keys of any AMQP type. Lookups are linear because wire
/// maps are small (annotation and property maps hold a handful to a few dozen entries) and the
/// order on the wire is kept for byte-exact re-encoding.
/// </summary>
public sealed class AmqpMap : IEnumerable<KeyValuePair<object?, object?>>
{
    private readonly List<KeyValuePair<object?, object?>> _entries;

    public AmqpMap()
    {
        _entries = [];
    }

    public AmqpMap(int capacity)
    {
        _entries = new List<KeyValuePair<object?, object?>>(capacity);
    }

    public int Count => _entries.Count;

    /// <summary>Gets the value for <paramref name="key"/> (null when absent) or sets it in place.</summary>
    public object? this[object? key]
    {
        get => TryGetValue(key, out var value) ? value : null;
        set
        {
            var index = IndexOf(key);
            if (index >= 0)
            {
                _entries[index] = new(key, value);
            }
            else
            {
                _entries.Add(new(key, value));
            }
        }
    }

    /// <summary>Appends without a duplicate check (decoders keep the wire as it was).</summary>
    public void Add(object? key, object? value) => _entries.Add(new(key, value));

    public bool Remove(object? key)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return false;
        }

        _entries.RemoveAt(index);
        return true;
    }

    public bool ContainsKey(object? key) => IndexOf(key) >= 0;

    public bool TryGetValue(object? key, out object? value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _entries[index].Value : null;
        return index >= 0;
    }

    /// <summary>Looks up a symbol key by its bytes, without building a symbol or a string.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> symbolKey, out object? value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key is AmqpSymbol symbol && symbol.Equals(symbolKey))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public List<KeyValuePair<object?, object?>>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    IEnumerator<KeyValuePair<object?, object?>> IEnumerable<KeyValuePair<object?, object?>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(object? key)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (Equals(_entries[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }
}
