namespace Omnibus.Amqp.Types;

/// <summary>
/// Where a list, map or array being read ends and how many elements it declared. Returned by the
/// reader's header methods and handed back to <see cref="AmqpReader.EndCompound"/>.
/// </summary>
public struct CompoundScope
{
    internal CompoundScope(int count, int end, int savedEnd)
    {
        Count = count;
        End = end;
        SavedEnd = savedEnd;
    }

    /// <summary>Elements declared (a map counts keys and values separately, as on the wire).</summary>
    public int Count { get; }

    /// <summary>Elements consumed through <see cref="AmqpReader.NextField"/>.</summary>
    public int Index { get; internal set; }

    internal int End { get; }

    internal int SavedEnd { get; }
}
