using Omnibus.Storage;
using Omnibus.Storage.CrashHelper;
using Omnibus.Storage.State;

// Usage:
//   log <dir> <writers> <startIndex>   append with durability 'always' from <writers> concurrent tasks;
//                                      print "A <seq> <writer> <index>" after each acknowledged record.
//   state <dir> <seed>                 apply random delivery-state changes; print "S <kind> <seq>" after each acknowledgement.
// Runs until killed.
string mode = args[0];
string dir = args[1];
if (mode == "log")
{
    int writers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    long start = long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    using var log = PartitionLog.Open(dir, new LogOptions { SegmentSize = 256 * 1024 });
    Console.WriteLine($"READY {log.NextSequence}");
    var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        for (long i = start; ; i += 3)
        {
            if (w % 4 == 3)
            {
                // Every fourth writer appends atomic batches of three.
                byte[][] bodies = [CrashPayload.Create(w, i), CrashPayload.Create(w, i + 1), CrashPayload.Create(w, i + 2)];
                long first = await log.AppendBatchAsync(bodies.Select(b => (ReadOnlyMemory<byte>)b).ToArray());
                Console.WriteLine($"A {first} {w} {i}\nA {first + 1} {w} {i + 1}\nA {first + 2} {w} {i + 2}");
            }
            else
            {
                long seq = await log.AppendAsync(CrashPayload.Create(w, i));
                Console.WriteLine($"A {seq} {w} {i}");
                long seq2 = await log.AppendAsync(CrashPayload.Create(w, i + 1));
                Console.WriteLine($"A {seq2} {w} {i + 1}");
                long seq3 = await log.AppendAsync(CrashPayload.Create(w, i + 2));
                Console.WriteLine($"A {seq3} {w} {i + 2}");
            }
        }
    })).ToArray();
    await Task.WhenAll(tasks);
}
else if (mode == "state")
{
    var random = new Random(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    using var store = DeliveryStateStore.Open(dir, new DeliveryStateOptions { CheckpointEvery = 200, ChangeLogSegmentSize = 16 * 1024 });
    Console.WriteLine("READY");
    var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
    {
        while (true)
        {
            long seq;
            lock (random)
            {
                seq = random.Next(0, 20_000);
            }
            StateChange change = (seq % 5) switch
            {
                0 => StateChange.Defer(seq),
                1 => StateChange.DeliveryAttempt(seq),
                2 => StateChange.DeadLetter(seq),
                _ => StateChange.Complete(seq),
            };
            await store.ApplyAsync(change);
            Console.WriteLine($"S {(int)change.Kind} {seq}");
        }
    })).ToArray();
    await Task.WhenAll(tasks);
}
