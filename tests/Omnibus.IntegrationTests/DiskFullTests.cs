using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Omnibus.Core.Entities;
using Omnibus.Storage;
using Omnibus.Testing;
using Omnibus.Tests.Shared;
using Xunit.Abstractions;

namespace Omnibus.IntegrationTests;

/// <summary>
/// A real small disk (a 64 MiB tmpfs) filled through the official SDK: sends are refused with
/// QuotaExceeded, nothing confirmed is lost, and once space is freed sends succeed again without a restart.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const int MessageBytes = 256 * 1024;
    private const long MiB = 1024 * 1024;

    [SkippableTheory]
    [InlineData(16)] // the floor refuses first
    [InlineData(0)]  // no floor: the write's ENOSPC refuses, and the log rolls its tail back
    public async Task A_full_disk_refuses_sends_as_QuotaExceeded_keeps_every_confirmed_message_and_takes_sends_again_once_space_is_freed(int floorMiB)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to mount a small tmpfs (mount -t tmpfs -o size=64m)");
        string mount = Path.Combine(Path.GetTempPath(), "omnibus-diskfull-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        using TinyFileSystem? mounted = TinyFileSystem.Mount(mount, "64m");
        Skip.If(mounted is null, "mount -t tmpfs is not permitted here: cannot build a small disk to fill");
        // Space the test can give back later, as an operator deleting a file would.
        string filler = Path.Combine(mount, "filler.bin");
        await File.WriteAllBytesAsync(filler, new byte[24 * MiB]);

        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o =>
        {
            o.DataDirectory = Path.Combine(mount, "data");
            o.Durability = DurabilityPolicy.Always;
            o.RequireHttpAuthorization = false;
            o.Host = h => h.MinFreeSpaceBytes = floorMiB * MiB;
        });
        broker.Broker.CreateQueue(new QueueDescription { Name = "filled" });
        await using var client = new ServiceBusClient(broker.ServiceBusConnectionString, new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(20) },
        });
        await using ServiceBusSender sender = client.CreateSender("filled");
        using var http = new HttpClient { BaseAddress = broker.AdminEndpoint };

        // Fill.
        var confirmed = new List<string>();
        ServiceBusException? refused = null;
        for (int i = 0; i < 1000 && refused is null; i++)
        {
            try
            {
                await sender.SendMessageAsync(new ServiceBusMessage(Body(i)) { MessageId = $"m{i}" });
                confirmed.Add($"m{i}");
            }
            catch (ServiceBusException e)
            {
                refused = e;
            }
        }
        Assert.NotNull(refused);
        Assert.Equal(ServiceBusFailureReason.QuotaExceeded, refused!.Reason);
        double freeMiB = new DriveInfo(mount).AvailableFreeSpace / (double)MiB;
        output.WriteLine($"floor {floorMiB} MiB: {confirmed.Count} messages of 256 KiB confirmed, refused with {freeMiB:0.0} MiB free: {refused.Message}");
        Assert.True(confirmed.Count > 20);
        Assert.True(broker.Broker.Space.IsFull);
        string ready = await http.GetStringAsync("health/ready");
        Assert.StartsWith("Degraded: Storage full", ready, StringComparison.Ordinal);
        Assert.Contains("omnibus_storage_full 1", await http.GetStringAsync("metrics"), StringComparison.Ordinal);
        ServiceBusException again = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(Body(-1))));
        Assert.Equal(ServiceBusFailureReason.QuotaExceeded, again.Reason);
        // Scheduling goes through $management (status 403 there), the JSON API answers 507.
        ServiceBusException scheduled = await Assert.ThrowsAsync<ServiceBusException>(() => sender.ScheduleMessageAsync(new ServiceBusMessage("later"), DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(ServiceBusFailureReason.QuotaExceeded, scheduled.Reason);
        using (HttpResponseMessage api = await http.PostAsync("api/messages/send", new StringContent("""{"entity":"filled","messages":[{"body":"x"}]}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(507, (int)api.StatusCode);
            Assert.Contains("StorageFull", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Every confirmed message is there and can be read while full.
        await using ServiceBusReceiver peeker = client.CreateReceiver("filled");
        Assert.Equal(confirmed, await PeekIdsAsync(peeker, confirmed.Count));

        // Free space: sends succeed again on the same broker, no restart.
        var resumeClock = Stopwatch.StartNew();
        File.Delete(filler);
        int attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                await sender.SendMessageAsync(new ServiceBusMessage(Body(1000)) { MessageId = "m1000" });
                confirmed.Add("m1000");
                break;
            }
            catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.QuotaExceeded && resumeClock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }
        output.WriteLine($"sends resumed {resumeClock.ElapsedMilliseconds} ms after the filler was deleted ({attempts} attempts)");
        for (int i = 1001; i < 1020; i++)
        {
            await sender.SendMessageAsync(new ServiceBusMessage(Body(i)) { MessageId = $"m{i}" });
            confirmed.Add($"m{i}");
        }
        Assert.False(broker.Broker.Space.IsFull);
        Assert.Equal("Healthy", await http.GetStringAsync("health/ready"));
        Assert.Contains("omnibus_storage_full 0", await http.GetStringAsync("metrics"), StringComparison.Ordinal);

        // Settle some now that there is room, then restart and count.
        await using (ServiceBusReceiver receiver = client.CreateReceiver("filled"))
        {
            for (int done = 0; done < 10;)
            {
                IReadOnlyList<ServiceBusReceivedMessage> got = await receiver.ReceiveMessagesAsync(10 - done, TimeSpan.FromSeconds(5));
                foreach (ServiceBusReceivedMessage m in got)
                {
                    Assert.Equal(Body(int.Parse(m.MessageId[1..], System.Globalization.CultureInfo.InvariantCulture)), m.Body.ToArray());
                    await receiver.CompleteMessageAsync(m);
                    confirmed.Remove(m.MessageId);
                    done++;
                }
            }
        }
        await client.DisposeAsync();
        await broker.RestartAsync();
        await using var after = new ServiceBusClient(broker.ServiceBusConnectionString);
        await using ServiceBusReceiver counter = after.CreateReceiver("filled");
        Assert.Equal(confirmed, await PeekIdsAsync(counter, confirmed.Count));
    }

    private static async Task<List<string>> PeekIdsAsync(ServiceBusReceiver receiver, int expected)
    {
        var ids = new List<string>();
        long from = 0;
        while (ids.Count < expected)
        {
            IReadOnlyList<ServiceBusReceivedMessage> page = await receiver.PeekMessagesAsync(100, from);
            if (page.Count == 0)
            {
                break;
            }
            ids.AddRange(page.Select(m => m.MessageId));
            from = page[^1].SequenceNumber + 1;
        }
        return ids;
    }

    private static byte[] Body(int i)
    {
        var body = new byte[MessageBytes];
        new Random(i).NextBytes(body);
        return body;
    }
}
