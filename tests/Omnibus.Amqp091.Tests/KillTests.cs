using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Omnibus.Tests.Shared;

namespace Omnibus.Amqp091.Tests;

/// <summary>SIGKILL under load with publisher confirms: every confirmed message is there after a restart, in order per publisher.</summary>
[Collection(KillCollection.Name)]
public sealed class KillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static Task<IConnection> ConnectAsync(int port) =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = port, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    [Fact]
    public async Task Every_publish_confirmed_before_a_SIGKILL_is_there_after_restart_in_order_per_publisher()
    {
        string data = Path.Combine(Path.GetTempPath(), "omnibus-rabbit-kill-" + Guid.NewGuid().ToString("N"));
        var confirmed = new ConcurrentDictionary<int, List<int>>();
        (Process first, int port) = await ExampleHostProcess.StartAsync(data);
        try
        {
            await using IConnection connection = await ConnectAsync(port);
            await using (IChannel setup = await connection.CreateChannelAsync())
            {
                await setup.QueueDeclareAsync("rabbit-jobs", durable: true, exclusive: false, autoDelete: false);
            }
            Task[] publishers = [.. Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
            {
                var mine = confirmed[p] = [];
                try
                {
                    await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
                    var props = new BasicProperties { Persistent = true };
                    for (int i = 0; ; i++)
                    {
                        await channel.BasicPublishAsync("", "rabbit-jobs", mandatory: false, props, Encoding.UTF8.GetBytes($"{p}:{i}"));
                        lock (mine)
                        {
                            mine.Add(i);
                        }
                    }
                }
                catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException or PublishException or OperationCanceledException)
                {
                }
            }))];
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // The connection's own disposal after the kill.
        }
        finally
        {
            await ExampleHostProcess.StopAsync(first);
        }
        int total = confirmed.Values.Sum(l => l.Count);
        Assert.True(total > 20, $"only {total} publishes confirmed");
        output.WriteLine($"{total} publishes confirmed before the kill");

        (Process second, int port2) = await ExampleHostProcess.StartAsync(data);
        try
        {
            await using IConnection connection = await ConnectAsync(port2);
            await using IChannel channel = await connection.CreateChannelAsync();
            var seen = new Dictionary<int, List<int>>();
            while (await channel.BasicGetAsync("rabbit-jobs", autoAck: true) is { } got)
            {
                string[] parts = Encoding.UTF8.GetString(got.Body.Span).Split(':');
                int p = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                (seen.TryGetValue(p, out List<int>? list) ? list : seen[p] = []).Add(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            }
            foreach ((int p, List<int> acked) in confirmed)
            {
                List<int> stored = seen.GetValueOrDefault(p) ?? [];
                int[] lost = [.. acked.Except(stored)];
                Assert.True(lost.Length == 0, $"publisher {p}: {lost.Length} of {acked.Count} confirmed messages lost, e.g. {string.Join(", ", lost.Take(5))}");
                Assert.Equal(stored.Order(), stored); // in order per publisher
            }
        }
        finally
        {
            await ExampleHostProcess.StopAsync(second);
            ExampleHostProcess.DeleteDataDirectory(data);
        }
    }
}
