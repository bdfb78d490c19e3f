using System.Globalization;
using Omnibus.Core.Streams;

namespace Omnibus.Core.CrashHelper;

/// <summary>
/// The stream workload of the SIGKILL test: creates stream "s" (2 partitions, small segments) if
/// missing; per partition two writers append batches and print
/// "APPENDED &lt;partition&gt; &lt;first offset&gt; &lt;value&gt;,&lt;value&gt;..." once each append is
/// acknowledged, and one committer commits the partition's high watermark for group "g" and
/// prints "COMMITTED &lt;partition&gt; &lt;offset&gt;" once each commit is acknowledged. Runs until killed.
/// </summary>
internal static class StreamChild
{
    public static async Task RunAsync(string dir, string round)
    {
        using StreamRegistry streams = StreamRegistry.Open(new StreamOptions { DataDirectory = dir, SegmentSize = 64 * 1024 });
        MessageStream stream = streams.List().Count == 0 ? streams.Create(new StreamDefinition { Name = "s", PartitionCount = 2 }) : streams.Get("s");
        Console.WriteLine("READY");
        var output = new object();
        void Print(string line)
        {
            lock (output)
            {
                Console.WriteLine(line);
            }
        }
        var tasks = new List<Task>();
        for (int p = 0; p < 2; p++)
        {
            int partition = p;
            for (int w = 0; w < 2; w++)
            {
                int writer = w;
                tasks.Add(Task.Run(async () =>
                {
                    for (int i = 0; ; i++)
                    {
                        int count = 1 + (i % 3);
                        string[] values = [.. Enumerable.Range(0, count).Select(k => $"{round}-{partition}-{writer}-{i}-{k}")];
                        long first = await stream.AppendAsync(partition, [.. values.Select(v => new StreamRecord { Value = System.Text.Encoding.UTF8.GetBytes(v) })]);
                        Print($"APPENDED {partition} {first.ToString(CultureInfo.InvariantCulture)} {string.Join(',', values)}");
                    }
                }));
            }
            tasks.Add(Task.Run(async () =>
            {
                while (true)
                {
                    long offset = stream.HighWatermark(partition);
                    await streams.CommitOffsetAsync("g", "s", partition, offset, $"round {round}");
                    Print($"COMMITTED {partition} {offset.ToString(CultureInfo.InvariantCulture)}");
                }
            }));
        }
        await Task.WhenAll(tasks);
    }
}
