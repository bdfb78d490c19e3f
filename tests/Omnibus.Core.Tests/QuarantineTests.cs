using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Tests;

/// <summary>One entity's damaged data quarantines that entity; the rest of the broker opens and serves.</summary>
[Trait("Store", TestStore.FileOnly)] // damages files on disk
public sealed class QuarantineTests : IDisposable
{
    private readonly BrokerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private async Task FillAndDamage(string queue)
    {
        var body = new string('x', 1000);
        for (int i = 0; i < 200; i++)
        {
            await _harness.Send(queue, body);
        }
        _harness.Broker.Dispose();
        string dir = Directory.GetDirectories(Path.Combine(_harness.Directory, "queues")).Single(d => Path.GetFileName(d).StartsWith(queue, StringComparison.Ordinal));
        string first = Directory.GetFiles(Path.Combine(dir, "log", "p0"), "*.seg").Order(StringComparer.Ordinal).First();
        File.Delete(Path.ChangeExtension(first, ".idx")); // the open scans the sealed segment again
        using var f = new FileStream(first, FileMode.Open);
        f.Position = f.Length / 2;
        int b = f.ReadByte();
        f.Position--;
        f.WriteByte((byte)(b ^ 0xFF));
    }

    [Fact]
    public async Task A_damaged_queue_is_quarantined_while_the_others_serve_and_its_definition_survives_other_changes()
    {
        _harness.Broker.CreateQueue(new QueueDescription { Name = "damaged" });
        _harness.Broker.CreateQueue(new QueueDescription { Name = "healthy" });
        await _harness.Send("healthy", "still here");
        await FillAndDamage("damaged");

        _harness.Restart();

        QuarantinedEntity q = Assert.Single(_harness.Broker.Quarantined);
        Assert.Equal(("damaged", EntityKind.Queue), (q.Name, q.Kind));
        Assert.Contains("damaged record", q.Reason, StringComparison.Ordinal);
        Assert.Equal("still here", BrokerHarness.Text(Assert.Single(await _harness.Receive("healthy", 10, ReceiveMode.ReceiveAndDelete))));
        MessagingException refused = await Assert.ThrowsAsync<MessagingException>(() => _harness.Send("damaged", "more"));
        Assert.Equal(MessagingErrorCode.EntityDisabled, refused.Code);
        Assert.Contains("quarantined", refused.Message, StringComparison.Ordinal);
        Assert.Equal(MessagingErrorCode.EntityDisabled, Assert.Throws<MessagingException>(() => _harness.Broker.GetReceivable("damaged")).Code);
        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, Assert.Throws<MessagingException>(() => _harness.Broker.CreateQueue(new QueueDescription { Name = "damaged" })).Code);

        _harness.Broker.CreateQueue(new QueueDescription { Name = "later" }); // rewrites the catalog
        _harness.Restart();

        Assert.Equal("damaged", Assert.Single(_harness.Broker.Quarantined).Name);
        _harness.Broker.DeleteQueue("damaged");
        Assert.Empty(_harness.Broker.Quarantined);
        _harness.Restart();
        Assert.Empty(_harness.Broker.Quarantined);
        _harness.Broker.CreateQueue(new QueueDescription { Name = "damaged" });
    }
}
