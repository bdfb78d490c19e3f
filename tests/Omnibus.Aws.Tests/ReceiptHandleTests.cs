using Omnibus.Aws.Sqs;

namespace Omnibus.Aws.Tests;

/// <summary>Receipt handles carry the queue, lock token and sequence, and refuse forgeries and other queues' handles.</summary>
public sealed class ReceiptHandleTests
{
    private readonly ReceiptHandles _handles = new(new byte[32]);

    [Fact]
    public void A_handle_decodes_to_what_it_was_made_of()
    {
        var r = new Receipt("orders", Guid.NewGuid(), 12345);
        Assert.Equal(r, _handles.Decode(_handles.Encode(r), "orders"));
    }

    [Fact]
    public void A_handle_of_another_queue_an_altered_one_and_garbage_are_invalid()
    {
        string handle = _handles.Encode(new Receipt("orders", Guid.NewGuid(), 1));
        Assert.Equal(SqsError.ReceiptHandleIsInvalid, Assert.Throws<SqsException>(() => _handles.Decode(handle, "payments")).Error);
        string altered = handle[..10] + (handle[10] == 'A' ? 'B' : 'A') + handle[11..];
        Assert.Equal(SqsError.ReceiptHandleIsInvalid, Assert.Throws<SqsException>(() => _handles.Decode(altered, "orders")).Error);
        Assert.Equal(SqsError.ReceiptHandleIsInvalid, Assert.Throws<SqsException>(() => _handles.Decode("not a handle", "orders")).Error);
        Assert.Equal(SqsError.ReceiptHandleIsInvalid, Assert.Throws<SqsException>(() => new ReceiptHandles(new byte[] { 1 }).Decode(handle, "orders")).Error);
    }
}
