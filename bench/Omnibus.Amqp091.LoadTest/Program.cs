using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// Usage: Omnibus.Amqp091.LoadTest --omnibus host:port --rabbitmq host:port [--seconds N]
// Each workload runs against both brokers, one after the other, on a fresh queue; the consumer
// counts what arrives end to end while the publishers run, and the ratio Omnibus / RabbitMQ is printed.
string omnibus = Arg("--omnibus") ?? "127.0.0.1:5672";
string? rabbit = Arg("--rabbitmq");
int seconds = int.Parse(Arg("--seconds") ?? "10", CultureInfo.InvariantCulture);

Workload[] workloads =
[
    new("persistent 1 KiB, confirms, 1 queue", 1024, Persistent: true, Confirms: true, Queues: 1, Consumers: 1),
    new("persistent 1 KiB, confirms, 4 competing consumers", 1024, Persistent: true, Confirms: true, Queues: 1, Consumers: 4),
    new("transient 16 B, no confirms, auto-ack", 16, Persistent: false, Confirms: false, Queues: 1, Consumers: 1),
];
Console.WriteLine($"{"workload",-52} {"omnibus msg/s",14} {"rabbitmq msg/s",15} {"ratio",7}");
foreach (Workload w in workloads)
{
    double ours = await RunAsync(omnibus, w, seconds);
    double theirs = rabbit is null ? double.NaN : await RunAsync(rabbit, w, seconds);
    Console.WriteLine($"{w.Name,-52} {ours,14:N0} {theirs,15:N0} {ours / theirs,6:N2}x");
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static async Task<double> RunAsync(string target, Workload w, int seconds)
{
    string[] hp = target.Split(':');
    var factory = new ConnectionFactory { HostName = hp[0], Port = int.Parse(hp[1], CultureInfo.InvariantCulture) };
    await using IConnection publisherConnection = await factory.CreateConnectionAsync();
    await using IConnection consumerConnection = await factory.CreateConnectionAsync();
    string queue = "bench-" + Guid.NewGuid().ToString("N")[..8];
    await using (IChannel setup = await publisherConnection.CreateChannelAsync())
    {
        await setup.QueueDeclareAsync(queue, durable: w.Persistent, exclusive: false, autoDelete: false);
    }
    long received = 0;
    var consumerChannels = new List<IChannel>();
    for (int c = 0; c < w.Consumers; c++)
    {
        IChannel channel = await consumerConnection.CreateChannelAsync();
        await channel.BasicQosAsync(0, 1000, false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        long sinceAck = 0;
        consumer.ReceivedAsync += async (_, e) =>
        {
            Interlocked.Increment(ref received);
            if (!w.Confirms)
            {
                return; // auto-ack
            }
            if (++sinceAck >= 100)
            {
                sinceAck = 0;
                await channel.BasicAckAsync(e.DeliveryTag, multiple: true);
            }
        };
        await channel.BasicConsumeAsync(queue, autoAck: !w.Confirms, consumer);
        consumerChannels.Add(channel);
    }
    byte[] body = new byte[w.Size];
    var props = new BasicProperties { Persistent = w.Persistent };
    using var stop = new CancellationTokenSource();
    Task[] publishers = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
    {
        await using IChannel channel = await publisherConnection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: w.Confirms, publisherConfirmationTrackingEnabled: w.Confirms));
        var inFlight = new List<Task>(256);
        while (!stop.IsCancellationRequested)
        {
            // A window of publishes in flight; with confirms each completes once the broker acks it.
            for (int i = 0; i < 256; i++)
            {
                inFlight.Add(channel.BasicPublishAsync("", queue, false, props, body).AsTask());
            }
            await Task.WhenAll(inFlight);
            inFlight.Clear();
            // Without confirms nothing pushes back: keep the backlog bounded so the rows measure flow, not memory.
            while (!w.Confirms && Interlocked.Read(ref received) < Interlocked.Read(ref Sent.Count) - 20_000 && !stop.IsCancellationRequested)
            {
                await Task.Delay(1);
            }
            Interlocked.Add(ref Sent.Count, 256);
        }
    }))];
    await Task.Delay(TimeSpan.FromSeconds(1)); // warm-up
    long start = Interlocked.Read(ref received);
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    long end = Interlocked.Read(ref received);
    double elapsed = clock.Elapsed.TotalSeconds;
    await stop.CancelAsync();
    await Task.WhenAll(publishers);
    Interlocked.Exchange(ref Sent.Count, 0);
    foreach (IChannel c in consumerChannels)
    {
        await c.DisposeAsync();
    }
    await using (IChannel cleanup = await publisherConnection.CreateChannelAsync())
    {
        await cleanup.QueueDeleteAsync(queue);
    }
    return (end - start) / elapsed;
}

internal sealed record Workload(string Name, int Size, bool Persistent, bool Confirms, int Queues, int Consumers);

internal static class Sent
{
    public static long Count;
}
