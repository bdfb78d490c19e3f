namespace Omnibus.Amqp.Types;

/// <summary>
/// A described list being written field by field. Trailing absent fields are cut off when the
/// list ends, as the spec allows, so a transfer with only a handle costs one field.
/// </summary>
public struct FieldListScope
{
    internal FieldListScope(int start)
    {
        Start = start;
        TrimPosition = start + AmqpWriter.CompoundHeaderReserve;
    }

    internal int Start { get; }

    internal int Count { get; set; }

    internal int TrimPosition { get; set; }

    internal int TrimCount { get; set; }
}
