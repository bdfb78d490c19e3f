using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace Omnibus.LoadTest;

/// <summary>
/// The lean-client workload (AMQPNetLite): several sender links with a window of unsettled
/// durable 1 KiB transfers each, one receiver link with prefetch credit accepting every message.
/// </summary>
internal sealed class LiteWorkload(BrokerTarget target, int size, int senders, int window, int prefetch, string label = "amqpnetlite")
{
    public async Task<RunResult> RunAsync(TimeSpan duration, int? ratePerSecond)
    {
        string mode = ratePerSecond is int r ? $"{r}/s" : "saturate";
        Connection? connection = null;
        try
        {
            connection = await Connection.Factory.CreateAsync(new Address(target.LiteAddress));
            var session = new Session(connection);
            if (target.NeedsCbs)
            {
                await Cbs.PutTokenAsync(session, target);
            }
            var latencies = new LatencyRecorder();
            byte[] body = new byte[size];
            Random.Shared.NextBytes(body);
            long received = 0;
            using var stop = new CancellationTokenSource();
            var receiverSession = new Session(connection);
            var receiver = new ReceiverLink(receiverSession, "bench-receiver-" + Guid.NewGuid().ToString("N")[..8], target.Address);
            receiver.Start(prefetch, (link, message) =>
            {
                if (message.ApplicationProperties?["t"] is long sent)
                {
                    latencies.Record(sent);
                }
                link.Accept(message);
                Interlocked.Increment(ref received);
            });
            DateTime end = DateTime.UtcNow + duration;
            long startReceived = 0;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            double perSenderInterval = ratePerSecond is int rate ? senders * 1000.0 / rate : 0;
            Task[] sending = Enumerable.Range(0, senders).Select(i => Task.Run(async () =>
            {
                var senderSession = new Session(connection);
                var sender = new SenderLink(senderSession, $"bench-sender-{i}-" + Guid.NewGuid().ToString("N")[..8], target.Address);
                using var slots = new SemaphoreSlim(window);
                var pending = new List<Task>();
                long n = 0;
                while (DateTime.UtcNow < end)
                {
                    if (perSenderInterval > 0)
                    {
                        double due = n * perSenderInterval;
                        double wait = due - watch.Elapsed.TotalMilliseconds;
                        if (wait > 1)
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(wait));
                        }
                    }
                    await slots.WaitAsync();
                    var message = new Message
                    {
                        BodySection = new Data { Binary = body },
                        Header = new Header { Durable = true },
                        ApplicationProperties = new ApplicationProperties(),
                    };
                    message.ApplicationProperties["t"] = LatencyRecorder.Now();
                    n++;
                    pending.Add(sender.SendAsync(message).ContinueWith(_ => slots.Release(), TaskScheduler.Default));
                    if (pending.Count > 4096)
                    {
                        pending.RemoveAll(t => t.IsCompleted);
                    }
                }
                await Task.WhenAll(pending);
                await sender.CloseAsync();
            })).ToArray();
            await Task.WhenAll(sending);
            double sendSeconds = watch.Elapsed.TotalSeconds;
            // Let the receiver drain what was sent (bounded).
            long last = -1;
            while (Interlocked.Read(ref received) != last)
            {
                last = Interlocked.Read(ref received);
                await Task.Delay(500);
            }
            double elapsed = Math.Max(sendSeconds, watch.Elapsed.TotalSeconds - 0.5);
            await receiver.CloseAsync();
            (double p50, double p99) = latencies.Percentiles();
            return new RunResult(label, target.Name, mode, (received - startReceived) / elapsed, p50, p99, received);
        }
        catch (Exception ex) when (ex is AmqpException or IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            return new RunResult(label, target.Name, mode, 0, 0, 0, 0, ex.Message);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.CloseAsync();
            }
        }
    }
}

/// <summary>Authorizes the connection for the target's entity with a put-token request, as the Service Bus SDKs do.</summary>
internal static class Cbs
{
    public static async Task PutTokenAsync(Session session, BrokerTarget target)
    {
        string replyTo = "cbs-reply-" + Guid.NewGuid().ToString("N")[..8];
        var sender = new SenderLink(session, "cbs-sender", "$cbs");
        var receiver = new ReceiverLink(session, "cbs-receiver", new Attach { Source = new Source { Address = "$cbs" }, Target = new Target { Address = replyTo } }, null);
        string audience = $"amqp://{target.Host}/{target.Address}";
        var request = new Message(SasToken.Create($"amqp://{target.Host}/".ToLowerInvariant(), target.KeyName!, target.Key!, TimeSpan.FromHours(1)))
        {
            Properties = new Properties { MessageId = Guid.NewGuid().ToString(), ReplyTo = replyTo },
            ApplicationProperties = new ApplicationProperties(),
        };
        request.ApplicationProperties["operation"] = "put-token";
        request.ApplicationProperties["type"] = "servicebus.windows.net:sastoken";
        request.ApplicationProperties["name"] = audience;
        await sender.SendAsync(request);
        Message response = await receiver.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("no $cbs response");
        receiver.Accept(response);
        object? status = response.ApplicationProperties?["status-code"];
        if (status is not int code || code is < 200 or > 299)
        {
            throw new InvalidOperationException($"put-token refused: {status}");
        }
        await sender.CloseAsync();
        await receiver.CloseAsync();
    }
}
