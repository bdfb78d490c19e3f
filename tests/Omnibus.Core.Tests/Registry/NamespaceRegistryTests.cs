using Omnibus.Core.Engine;
using Omnibus.Core.Entities;

namespace Omnibus.Core.Tests.Registry;

public sealed class NamespaceRegistryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));

    private NamespaceRegistry Open() => NamespaceRegistry.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = _directory });

    [Fact]
    public async Task The_same_name_in_two_namespaces_is_two_queues_and_both_survive_a_restart()
    {
        using (NamespaceRegistry registry = Open())
        {
            Broker sales = registry.Create("sales");
            registry.Default.CreateQueue(new QueueDescription { Name = "orders" });
            sales.CreateQueue(new QueueDescription { Name = "orders" });
            await registry.Default.SendAsync("orders", [BrokerHarness.Message("default")]);
            await sales.SendAsync("orders", [BrokerHarness.Message("sales-1"), BrokerHarness.Message("sales-2")]);
        }

        using NamespaceRegistry reopened = Open();
        Assert.Equal([NamespaceRegistry.DefaultName, "sales"], reopened.Names);
        Assert.Equal(1, reopened.Default.GetQueueRuntimeInfo("orders").ActiveMessageCount);
        Assert.Equal(2, reopened.Get("sales").GetQueueRuntimeInfo("orders").ActiveMessageCount);
    }

    [Fact]
    public void Namespace_names_are_case_sensitive_and_bad_or_unknown_names_get_typed_errors()
    {
        using NamespaceRegistry registry = Open();
        registry.Create("Sales");
        registry.Create("sales");

        Assert.Equal(MessagingErrorCode.EntityAlreadyExists, Assert.Throws<MessagingException>(() => registry.Create("sales")).Code);
        Assert.Equal(MessagingErrorCode.EntityNotFound, Assert.Throws<MessagingException>(() => registry.Get("SALES")).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => registry.Create("")).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => registry.Create("bad\u0001name")).Code);
        Assert.Equal(MessagingErrorCode.InvalidArgument, Assert.Throws<MessagingException>(() => registry.Create(new string('x', 256))).Code);
        Assert.Equal(MessagingErrorCode.InvalidOperation, Assert.Throws<MessagingException>(() => registry.Delete(NamespaceRegistry.DefaultName)).Code);
        Assert.Equal([NamespaceRegistry.DefaultName, "Sales", "sales"], registry.Names);
    }

    [Fact]
    public void Deleting_a_namespace_removes_its_entities_and_tells_the_watchers()
    {
        var changes = new List<(string, EntityChangeKind)>();
        using (NamespaceRegistry registry = Open())
        {
            registry.NamespaceChanged += (name, change) => changes.Add((name, change));
            registry.Create("temp").CreateQueue(new QueueDescription { Name = "q" });
            registry.Delete("temp");
        }

        using NamespaceRegistry reopened = Open();
        Assert.False(reopened.TryGet("temp", out _));
        Assert.Equal([("temp", EntityChangeKind.Created), ("temp", EntityChangeKind.Deleted)], changes);
        Assert.Empty(reopened.Create("temp").ListQueues()); // nothing of the old one comes back
        if (TestStore.Current.IsDurable)
        {
            Assert.Single(Directory.GetDirectories(Path.Combine(_directory, "namespaces")));
        }
    }

    public void Dispose()
    {
        try
        {
            TestStore.Delete(_directory);
        }
        catch (IOException)
        {
        }
    }
}
