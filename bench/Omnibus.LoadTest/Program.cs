using System.Globalization;
using Omnibus.LoadTest;

// End-to-end AMQP 1.0 load: the same client workload against Omnibus and RabbitMQ (AMQP 1.0
// plugin) in one run, printing msg/s, p50/p99 latency and the ratio. bench/run-amqp-bench.sh
// starts both brokers and calls this.
// Options: --omnibus host:port  --omnibus-queue NAME  --baseline host:port (an Omnibus of another build)  --rabbitmq host:port  --seconds N  --size BYTES  --rate N (paced rows)
//          --clients lite,lite1,sdk  --modes saturate,paced (rows to run; all by default)  --warmup SECONDS (unrecorded, default 3)
string Opt(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
TimeSpan duration = TimeSpan.FromSeconds(double.Parse(Opt("--seconds", "10"), CultureInfo.InvariantCulture));
int size = int.Parse(Opt("--size", "1024"), CultureInfo.InvariantCulture);
int rate = int.Parse(Opt("--rate", "2000"), CultureInfo.InvariantCulture);
var targets = new List<BrokerTarget>();
if (Opt("--omnibus", "") is { Length: > 0 } omnibus)
{
    string[] hp = omnibus.Split(':');
    targets.Add(new BrokerTarget("omnibus", hp[0], int.Parse(hp[1], CultureInfo.InvariantCulture), Opt("--omnibus-queue", "bench"),
        "RootManageSharedAccessKey", "SAS_KEY_VALUE", NeedsCbs: true, KeyName: "RootManageSharedAccessKey", Key: "SAS_KEY_VALUE"));
}
if (Opt("--baseline", "") is { Length: > 0 } baseline)
{
    string[] hp = baseline.Split(':');
    targets.Add(new BrokerTarget("baseline", hp[0], int.Parse(hp[1], CultureInfo.InvariantCulture), Opt("--omnibus-queue", "bench"),
        "RootManageSharedAccessKey", "SAS_KEY_VALUE", NeedsCbs: true, KeyName: "RootManageSharedAccessKey", Key: "SAS_KEY_VALUE"));
}
if (Opt("--rabbitmq", "") is { Length: > 0 } rabbit)
{
    string[] hp = rabbit.Split(':');
    targets.Add(new BrokerTarget("rabbitmq", hp[0], int.Parse(hp[1], CultureInfo.InvariantCulture), "/queue/bench", "guest", "guest", NeedsCbs: false, KeyName: "guest", Key: "guest"));
}
Console.WriteLine($"AMQP 1.0 end-to-end load — {Environment.ProcessorCount} cores, {size}-byte durable messages, {duration.TotalSeconds:F0} s per row, {DateTime.UtcNow:u}");
// A short unrecorded run per broker first, so neither is measured while its code is still being compiled.
double warmup = double.Parse(Opt("--warmup", "3"), CultureInfo.InvariantCulture);
if (warmup > 0)
{
    foreach (BrokerTarget target in targets)
    {
        await new LiteWorkload(target, size, senders: 4, window: 100, prefetch: 1000).RunAsync(TimeSpan.FromSeconds(warmup), null);
    }
}
string[] clients = Opt("--clients", "lite,lite1,sdk").Split(',');
string[] modes = Opt("--modes", "saturate,paced").Split(',');
var results = new List<RunResult>();
foreach (int? paced in new int?[] { null, rate }.Where(p => modes.Contains(p is null ? "saturate" : "paced")))
{
    foreach (BrokerTarget target in targets)
    {
        if (clients.Contains("lite"))
        {
            RunResult lite = await new LiteWorkload(target, size, senders: 4, window: 100, prefetch: 1000).RunAsync(duration, paced);
            Console.WriteLine(lite);
            results.Add(lite);
        }
        if (clients.Contains("lite1"))
        {
            // The shape most applications use: one sender link per entity with many transfers in flight.
            RunResult one = await new LiteWorkload(target, size, senders: 1, window: 1000, prefetch: 1000, label: "lite-1link").RunAsync(duration, paced);
            Console.WriteLine(one);
            results.Add(one);
        }
        if (clients.Contains("sdk"))
        {
            RunResult sdk = await new SdkWorkload(target, size, senders: 4, batchSize: 50, prefetch: 1000).RunAsync(duration, paced);
            Console.WriteLine(sdk);
            results.Add(sdk);
        }
    }
}
PrintRatios(results, "rabbitmq", "RabbitMQ");
PrintRatios(results, "baseline", "the baseline build");
return 0;

// Throughput and p50 latency of this build against another target, for every client and mode both ran.
static void PrintRatios(List<RunResult> results, string other, string label)
{
    if (!results.Any(r => r.Broker == other))
    {
        return;
    }
    Console.WriteLine();
    Console.WriteLine($"ratio Omnibus / {label} (throughput; p50 latency; same client, same workload):");
    foreach (IGrouping<(string, string), RunResult> g in results.GroupBy(r => (r.Client, r.Mode)))
    {
        RunResult? o = g.FirstOrDefault(r => r.Broker == "omnibus");
        RunResult? q = g.FirstOrDefault(r => r.Broker == other);
        string ratio = o is { Error: null } && q is { Error: null, MessagesPerSecond: > 0 }
            ? $"{o.MessagesPerSecond / q.MessagesPerSecond:F2}x throughput, {(q.P50 > 0 ? o.P50 / q.P50 : double.NaN):F2}x p50"
            : "n/a (a side failed or was not run)";
        Console.WriteLine($"  {g.Key.Item1,-10} {g.Key.Item2,-10} {ratio}");
    }
}
