using BenchmarkDotNet.Running;
using Omnibus.Storage.Benchmarks;

// `e2e [options]` runs the end-to-end storage benchmark (disk bandwidth, durable appends, reads,
// memory); `many [options]` opens many logs on one writer pool (threads, handles, fsyncs per
// entity count); anything else goes to BenchmarkDotNet (e.g. `--filter *Append*`).
if (args.Length > 0 && args[0] == "e2e")
{
    return EndToEnd.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "many")
{
    return ManyLogs.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
