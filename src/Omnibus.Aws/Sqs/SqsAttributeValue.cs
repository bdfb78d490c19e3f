namespace Omnibus.Aws.Sqs;

/// <summary>A message attribute as SQS carries it: its data type (String, Number or Binary, maybe with a custom suffix) and its value.</summary>
internal sealed record SqsAttributeValue(string DataType, string? StringValue, byte[]? BinaryValue)
{
    /// <summary>The base type: the data type before any <c>.suffix</c>.</summary>
    public string BaseType => DataType.IndexOf('.', StringComparison.Ordinal) is int dot and >= 0 ? DataType[..dot] : DataType;

    /// <summary>Bytes counted toward the message size limit, as SQS counts them (name, type and value).</summary>
    public int Size(string name) =>
        System.Text.Encoding.UTF8.GetByteCount(name) + System.Text.Encoding.UTF8.GetByteCount(DataType)
        + (BinaryValue?.Length ?? System.Text.Encoding.UTF8.GetByteCount(StringValue ?? ""));
}
