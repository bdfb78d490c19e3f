namespace Omnibus.Amqp.Messaging;

/// <summary>The application data of a message: data sections, amqp-sequence sections, or one amqp-value.</summary>
public abstract record MessageBody
{
    private protected MessageBody()
    {
    }
}

/// <summary>One or more data sections (opaque bytes; the usual Service Bus body).</summary>
public sealed record DataBody(IReadOnlyList<ReadOnlyMemory<byte>> Sections) : MessageBody
{
    public DataBody(ReadOnlyMemory<byte> section)
        : this([section])
    {
    }
}

/// <summary>One or more amqp-sequence sections, each a list of values.</summary>
public sealed record SequenceBody(IReadOnlyList<IList<object?>> Sections) : MessageBody;

/// <summary>A single amqp-value section (Service Bus management and CBS requests use a map here).</summary>
public sealed record ValueBody(object? Value) : MessageBody;
