using System.Collections;

namespace Omnibus.Core.Messages;

/// <summary>
/// Ordered, multi-valued name/value pairs with typed values (<see cref="HeaderValues"/>): a
/// message's headers (Service Bus application properties, RabbitMQ headers, Kafka headers, SQS
/// message attributes) and its native fields. Names compare ordinally (case-sensitive); a name
/// may repeat, as Kafka headers do. The indexer and <see cref="TryGetValue"/> see the first value
/// of a name; <see cref="GetAll"/> sees them all; setting through the indexer leaves one value.
/// </summary>
public sealed class MessageHeaders : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _entries;

    public MessageHeaders()
    {
        _entries = [];
    }

    public MessageHeaders(IEnumerable<KeyValuePair<string, object?>> entries)
    {
        _entries = [.. entries];
    }

    public int Count => _entries.Count;

    KeyValuePair<string, object?> IReadOnlyList<KeyValuePair<string, object?>>.this[int index] => _entries[index];

    /// <summary>The entry at <paramref name="index"/> in order.</summary>
    public KeyValuePair<string, object?> At(int index) => _entries[index];

    /// <summary>The first value of <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> when absent. Setting replaces every value of the name by one, in the first one's place.</summary>
    public object? this[string name]
    {
        get => TryGetValue(name, out object? value) ? value : throw new KeyNotFoundException($"No header '{name}'.");
        set
        {
            int first = IndexOf(name);
            if (first < 0)
            {
                _entries.Add(new(name, value));
                return;
            }
            _entries[first] = new(name, value);
            for (int i = _entries.Count - 1; i > first; i--)
            {
                if (string.Equals(_entries[i].Key, name, StringComparison.Ordinal))
                {
                    _entries.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Appends a value, after any others of the same name.</summary>
    public void Add(string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        _entries.Add(new(name, value));
    }

    /// <summary>Appends a value when the name has none yet; false (and no change) when it has.</summary>
    public bool TryAdd(string name, object? value)
    {
        if (ContainsKey(name))
        {
            return false;
        }
        Add(name, value);
        return true;
    }

    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    public bool TryGetValue(string name, out object? value)
    {
        int i = IndexOf(name);
        value = i >= 0 ? _entries[i].Value : null;
        return i >= 0;
    }

    /// <summary>Every value of <paramref name="name"/>, in order.</summary>
    public IEnumerable<object?> GetAll(string name)
    {
        foreach (KeyValuePair<string, object?> entry in _entries)
        {
            if (string.Equals(entry.Key, name, StringComparison.Ordinal))
            {
                yield return entry.Value;
            }
        }
    }

    /// <summary>Removes every value of <paramref name="name"/>; true when there was one.</summary>
    public bool Remove(string name) => _entries.RemoveAll(e => string.Equals(e.Key, name, StringComparison.Ordinal)) > 0;

    public void Clear() => _entries.Clear();

    /// <summary>The names in order, a repeated name once per value.</summary>
    public IEnumerable<string> Names => _entries.Select(e => e.Key);

    public List<KeyValuePair<string, object?>>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();

    /// <summary>A copy; values are shared (containers are immutable, byte arrays are never changed in place).</summary>
    public MessageHeaders Clone() => new(_entries);

    private int IndexOf(string name)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
