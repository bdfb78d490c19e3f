using Azure.Messaging.ServiceBus;
using Omnibus.Core.Entities;

namespace Omnibus.Testing.Tests;

/// <summary>A log the broker repaired when it opened is reported in the health answer and the metrics, not only in storage.</summary>
public sealed class RepairReportingTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "omnibus-repair-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task A_torn_tail_cut_at_open_shows_in_the_ready_check_and_in_metrics()
    {
        await using (OmnibusTestBroker first = await OmnibusTestBroker.StartAsync(o => o.DataDirectory = _data))
        {
            first.Broker.CreateQueue(new QueueDescription { Name = "orders" });
            await using var client = new ServiceBusClient(first.ServiceBusConnectionString);
            await using ServiceBusSender sender = client.CreateSender("orders");
            await sender.SendMessagesAsync(Enumerable.Range(0, 10).Select(i => new ServiceBusMessage($"m{i}")));
        }
        string tail = Directory.GetFiles(Path.Combine(_data, "queues"), "*.seg", SearchOption.AllDirectories)
            .Where(p => p.Contains($"{Path.DirectorySeparatorChar}log{Path.DirectorySeparatorChar}p0{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !p.Contains("dlq", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Last();
        using (var f = new FileStream(tail, FileMode.Open))
        {
            f.SetLength(f.Length - 3);
        }

        await using OmnibusTestBroker second = await OmnibusTestBroker.StartAsync(o => o.DataDirectory = _data);
        using var http = new HttpClient();
        string health = await http.GetStringAsync(new Uri(second.AdminEndpoint, "health/ready"));
        string metrics = await http.GetStringAsync(new Uri(second.AdminEndpoint, "metrics"));

        Assert.Contains("Repaired at open: queue orders (p0):", health, StringComparison.Ordinal);
        Assert.Contains("bytes cut at byte", health, StringComparison.Ordinal);
        Assert.Contains("omnibus_storage_repairs_at_open 1", metrics, StringComparison.Ordinal);
    }
}
