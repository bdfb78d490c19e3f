using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;

namespace Omnibus.Server.Tests;

public sealed class ProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "omnibus-process-tests", Guid.NewGuid().ToString("N"));

    public ProcessTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Messages_sent_with_the_sdk_survive_a_sigterm_and_a_restart()
    {
        int http = TestServer.FreePort(), amqp = TestServer.FreePort();
        // Environment variables configure the server too (OMNIBUS__Area__Key); data lands in ./data of the working directory by default.
        var env = new Dictionary<string, string> { ["OMNIBUS__Shutdown__Timeout"] = "00:00:05", ["OMNIBUS__Http__RequireAuthorization"] = "false" };
        string admin = $"Endpoint=sb://localhost:{http};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
        string messaging = $"Endpoint=sb://localhost:{amqp};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

        await using (ServerProcess first = await ServerProcess.StartAsync(_dir, http, amqp, env))
        {
            await new ServiceBusAdministrationClient(admin).CreateQueueAsync("durable");
            using (var web = new HttpClient())
            {
                // Unsigned requests are served only because the environment turned authorization off.
                using HttpResponseMessage unsigned = await web.GetAsync(new Uri($"http://127.0.0.1:{http}/api/entities"));
                Assert.True(unsigned.IsSuccessStatusCode);
            }
            await using (var client = new ServiceBusClient(messaging))
            {
                await using ServiceBusSender sender = client.CreateSender("durable");
                for (int i = 0; i < 5; i++)
                {
                    await sender.SendMessagesAsync(Enumerable.Range(i * 10, 10).Select(n => new ServiceBusMessage($"m{n}") { MessageId = $"id-{n}" }));
                }
            }
            Assert.Equal(0, await first.TerminateAsync());
            Assert.Contains("Stopped cleanly", first.Output, StringComparison.Ordinal);
        }
        Assert.True(Directory.Exists(Path.Combine(_dir, "data")));

        await using ServerProcess second = await ServerProcess.StartAsync(_dir, http, amqp, env);
        QueueRuntimeProperties rt = await new ServiceBusAdministrationClient(admin).GetQueueRuntimePropertiesAsync("durable");
        Assert.Equal(50, rt.ActiveMessageCount);
        await using (var client = new ServiceBusClient(messaging))
        {
            await using ServiceBusReceiver receiver = client.CreateReceiver("durable", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
            var bodies = new List<string>();
            while (bodies.Count < 50)
            {
                IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(50, TimeSpan.FromSeconds(5));
                Assert.NotEmpty(batch);
                bodies.AddRange(batch.Select(m => m.Body.ToString()));
            }
            Assert.Equal(Enumerable.Range(0, 50).Select(n => $"m{n}"), bodies);
        }
        Assert.Equal(0, await second.TerminateAsync());
    }
}
