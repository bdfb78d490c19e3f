using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;

namespace Omnibus.Server.Tests;

public sealed class AdminClientQueueTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly ServiceBusAdministrationClient _admin = new(server.AdminConnectionString);

    [Fact]
    public async Task Queue_is_created_read_updated_listed_and_deleted_with_its_settings()
    {
        var options = new CreateQueueOptions("orders-crud")
        {
            LockDuration = TimeSpan.FromSeconds(45),
            MaxDeliveryCount = 7,
            DefaultMessageTimeToLive = TimeSpan.FromHours(2),
            DeadLetteringOnMessageExpiration = true,
            RequiresDuplicateDetection = true,
            DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(3),
            RequiresSession = true,
            UserMetadata = "owned by billing",
            MaxSizeInMegabytes = 2048,
        };
        QueueProperties created = await _admin.CreateQueueAsync(options);
        Assert.Equal("orders-crud", created.Name);
        Assert.Equal(TimeSpan.FromSeconds(45), created.LockDuration);
        Assert.Equal(7, created.MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromHours(2), created.DefaultMessageTimeToLive);
        Assert.True(created.DeadLetteringOnMessageExpiration);
        Assert.True(created.RequiresDuplicateDetection);
        Assert.Equal(TimeSpan.FromMinutes(3), created.DuplicateDetectionHistoryTimeWindow);
        Assert.True(created.RequiresSession);
        Assert.Equal("owned by billing", created.UserMetadata);
        Assert.Equal(2048, created.MaxSizeInMegabytes);
        Assert.Equal(EntityStatus.Active, created.Status);

        QueueProperties got = await _admin.GetQueueAsync("orders-crud");
        got.MaxDeliveryCount = 3;
        got.LockDuration = TimeSpan.FromSeconds(20);
        got.Status = EntityStatus.SendDisabled;
        QueueProperties updated = await _admin.UpdateQueueAsync(got);
        Assert.Equal(3, updated.MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromSeconds(20), updated.LockDuration);
        Assert.Equal(EntityStatus.SendDisabled, updated.Status);
        Assert.Equal(3, (await _admin.GetQueueAsync("orders-crud")).Value.MaxDeliveryCount);

        var names = new List<string>();
        await foreach (QueueProperties q in _admin.GetQueuesAsync())
        {
            names.Add(q.Name);
        }
        Assert.Contains("orders-crud", names);
        Assert.True(await _admin.QueueExistsAsync("orders-crud"));

        await _admin.DeleteQueueAsync("orders-crud");
        Assert.False(await _admin.QueueExistsAsync("orders-crud"));
        var missing = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.GetQueueAsync("orders-crud"));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, missing.Reason);
    }

    [Fact]
    public async Task A_partitioned_queue_is_created_with_partitions()
    {
        QueueProperties q = await _admin.CreateQueueAsync(new CreateQueueOptions("partitioned") { EnablePartitioning = true });
        Assert.True(q.EnablePartitioning);
        Assert.Equal(16, server.Broker.GetQueue("partitioned").PartitionCount);
    }

    [Fact]
    public async Task Creating_a_taken_name_fails_with_entity_already_exists()
    {
        await _admin.CreateQueueAsync("taken");
        var e = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.CreateQueueAsync("taken"));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, e.Reason);
    }

    [Fact]
    public async Task Deleting_a_missing_queue_fails_with_entity_not_found()
    {
        var e = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.DeleteQueueAsync("never-there"));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, e.Reason);
    }

    [Fact]
    public async Task Bad_settings_are_refused_as_argument_errors()
    {
        // The SDK checks most ranges itself, so this goes past it with the raw ATOM body a client could send.
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        string body = "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content type=\"application/xml\"><QueueDescription xmlns=\"http://schemas.microsoft.com/netservices/2010/10/servicebus/connect\">"
            + "<LockDuration>PT1H</LockDuration></QueueDescription></content></entry>";
        using var request = new HttpRequestMessage(HttpMethod.Put, "too-long-lock") { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("Authorization", ServiceBus.Security.SharedAccessSignature.CreateToken("http://localhost/too-long-lock", "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), TimeProvider.System));
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("LockDuration", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await _admin.QueueExistsAsync("too-long-lock"));
    }

    [Theory]
    [InlineData("ctl%01name")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("xxx%2F..%2Fy")]
    [InlineData("a%2F.%2Fb")]
    public async Task Names_with_control_characters_or_dot_segments_are_refused_as_bad_requests_and_nothing_is_created(string escapedName)
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        string body = "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content type=\"application/xml\"><QueueDescription xmlns=\"http://schemas.microsoft.com/netservices/2010/10/servicebus/connect\" /></content></entry>";
        using var request = new HttpRequestMessage(HttpMethod.Put, escapedName) { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("Authorization", ServiceBus.Security.SharedAccessSignature.CreateToken("http://localhost/" + escapedName, "RootManageSharedAccessKey", "SAS_KEY_VALUE", TimeSpan.FromMinutes(5), TimeProvider.System));
        int queuesBefore = server.Broker.ListQueues().Count;

        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Error>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(queuesBefore, server.Broker.ListQueues().Count);
    }

    [Fact]
    public async Task Runtime_properties_count_active_scheduled_and_dead_lettered_messages()
    {
        await _admin.CreateQueueAsync("runtime-q");
        await server.Broker.SendAsync("runtime-q", [Message("a"), Message("b"), Message("c")]);
        await server.Broker.ScheduleAsync("runtime-q", [Message("later")], DateTimeOffset.UtcNow.AddHours(1));
        Receivable r = server.Broker.GetReceivable("runtime-q");
        IReadOnlyList<BrokerMessage> got = await r.ReceiveAsync(1, TimeSpan.FromSeconds(5), ReceiveMode.PeekLock);
        await r.DeadLetterAsync(got[0].Delivery.LockToken, "test", "dead on purpose");

        QueueRuntimeProperties rt = await _admin.GetQueueRuntimePropertiesAsync("runtime-q");
        Assert.Equal("runtime-q", rt.Name);
        Assert.Equal(2, rt.ActiveMessageCount);
        Assert.Equal(1, rt.ScheduledMessageCount);
        Assert.Equal(1, rt.DeadLetterMessageCount);
        Assert.Equal(4, rt.TotalMessageCount);
        Assert.True(rt.SizeInBytes > 0);
        Assert.True(rt.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.True(rt.AccessedAt >= rt.CreatedAt);

        var all = new List<QueueRuntimeProperties>();
        await foreach (QueueRuntimeProperties q in _admin.GetQueuesRuntimePropertiesAsync())
        {
            all.Add(q);
        }
        Assert.Equal(2, all.Single(q => q.Name == "runtime-q").ActiveMessageCount);
    }

    [Fact]
    public async Task Forwarding_targets_round_trip_as_entity_addresses()
    {
        await _admin.CreateQueueAsync("fwd-target");
        QueueProperties q = await _admin.CreateQueueAsync(new CreateQueueOptions("fwd-source") { ForwardTo = "fwd-target", ForwardDeadLetteredMessagesTo = "fwd-target" });
        Assert.EndsWith("/fwd-target", q.ForwardTo, StringComparison.Ordinal);
        Assert.Equal("fwd-target", server.Broker.GetQueue("fwd-source").ForwardTo);
        Assert.Equal("fwd-target", server.Broker.GetQueue("fwd-source").ForwardDeadLetteredMessagesTo);
    }

    [Fact]
    public async Task Listing_pages_past_one_hundred_queues()
    {
        for (int i = 0; i < 103; i++)
        {
            server.Broker.CreateQueue(new Core.Entities.QueueDescription { Name = $"page-{i:D3}" });
        }
        var names = new List<string>();
        await foreach (QueueProperties q in _admin.GetQueuesAsync())
        {
            names.Add(q.Name);
        }
        Assert.Equal(103, names.Count(n => n.StartsWith("page-", StringComparison.Ordinal)));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task Names_ignore_case_as_in_service_bus_a_queue_is_read_in_another_case_and_its_name_clashes_with_a_topic_in_another_case()
    {
        await _admin.CreateQueueAsync("Case-Clash");

        Assert.Equal("Case-Clash", (await _admin.GetQueueAsync("case-clash")).Value.Name);
        var clash = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.CreateTopicAsync("CASE-CLASH"));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, clash.Reason);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        var wrong = new ServiceBusAdministrationClient(server.AdminConnectionString.Replace("SAS_KEY_VALUE", "not-the-key", StringComparison.Ordinal));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => wrong.GetQueueAsync("anything"));
    }

    [Fact]
    public async Task Namespace_properties_are_served()
    {
        NamespaceProperties ns = await _admin.GetNamespacePropertiesAsync();
        Assert.Equal("localhost", ns.Name);
    }

    internal static BrokerMessage Message(string body) => new() { Body = System.Text.Encoding.UTF8.GetBytes(body), MessageId = Guid.NewGuid().ToString() };
}
