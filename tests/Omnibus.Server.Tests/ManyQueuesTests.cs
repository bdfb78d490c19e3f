using System.Globalization;
using Azure.Messaging.ServiceBus.Administration;
using Xunit.Abstractions;

namespace Omnibus.Server.Tests;

/// <summary>
/// Threads and open files do not grow with the number of entities (issue 18, point 1). OMNIBUS_MEASURE_QUEUES
/// raises the queue count for a measurement run (figures in docs/benchmarks.md).
/// </summary>
public sealed class ManyQueuesTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "omnibus-many-queues", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Creating_hundreds_of_queues_does_not_add_a_thread_per_queue()
    {
        Directory.CreateDirectory(_dir);
        int queues = int.TryParse(Environment.GetEnvironmentVariable("OMNIBUS_MEASURE_QUEUES"), CultureInfo.InvariantCulture, out int n) ? n : 200;
        int http = TestServer.FreePort(), amqp = TestServer.FreePort();
        var env = new Dictionary<string, string> { ["OMNIBUS__Shutdown__Timeout"] = "00:00:05" };
        string admin = $"Endpoint=sb://localhost:{http};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
        await using ServerProcess server = await ServerProcess.StartAsync(_dir, http, amqp, env);
        var client = new ServiceBusAdministrationClient(admin);
        (int threads, int fds, long rss) before = Sample(server.ProcessId);

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < queues; i += 8)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(8, queues - i)).Select(q => client.CreateQueueAsync($"q{q}")));
        }
        (int threads, int fds, long rss) after = Sample(server.ProcessId);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{queues} queues in {started.Elapsed.TotalSeconds:F1} s: threads {before.threads} -> {after.threads}, fds {before.fds} -> {after.fds}, RSS {before.rss / 1024} -> {after.rss / 1024} MiB"));

        Assert.True(after.threads - before.threads < 64, $"threads grew from {before.threads} to {after.threads} for {queues} queues");
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task Hundreds_of_queues_keep_no_more_segment_files_open_than_the_budget_and_none_once_idle()
    {
        Directory.CreateDirectory(_dir);
        int http = TestServer.FreePort(), amqp = TestServer.FreePort();
        var env = new Dictionary<string, string>
        {
            ["OMNIBUS__Shutdown__Timeout"] = "00:00:05",
            ["OMNIBUS__Storage__MaxOpenSegmentFiles"] = "64",
            ["OMNIBUS__Storage__SegmentFileIdleSeconds"] = "1",
        };
        string admin = $"Endpoint=sb://localhost:{http};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
        await using ServerProcess server = await ServerProcess.StartAsync(_dir, http, amqp, env);
        var client = new ServiceBusAdministrationClient(admin);
        (_, int fdsBefore, _) = Sample(server.ProcessId);

        // 200 queues are 1,200 logs: before, each held its lock file and segment open (12 handles a queue).
        for (int i = 0; i < 200; i += 8)
        {
            await Task.WhenAll(Enumerable.Range(i, 8).Select(q => client.CreateQueueAsync($"q{q}")));
        }
        (_, int fdsAfter, _) = Sample(server.ProcessId);
        output.WriteLine($"200 queues: fds {fdsBefore} -> {fdsAfter}");
        Assert.True(fdsAfter - fdsBefore < 64 + 40, $"open files grew from {fdsBefore} to {fdsAfter} for 200 queues with a budget of 64");

        int fdsIdle = fdsAfter;
        for (int wait = 0; wait < 50 && fdsIdle - fdsBefore >= 20; wait++)
        {
            await Task.Delay(100);
            (_, fdsIdle, _) = Sample(server.ProcessId);
        }
        output.WriteLine($"idle: fds {fdsIdle}");
        Assert.True(fdsIdle - fdsBefore < 20, $"{fdsIdle - fdsBefore} more files than before stayed open on idle queues");
        Assert.Equal(0, await server.TerminateAsync());
    }

    private static (int Threads, int Fds, long RssKiB) Sample(int pid)
    {
        string[] status = File.ReadAllLines($"/proc/{pid}/status");
        int threads = int.Parse(status.First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
        long rss = long.Parse(status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        int fds = Directory.GetFiles($"/proc/{pid}/fd").Length;
        return (threads, fds, rss);
    }
}
