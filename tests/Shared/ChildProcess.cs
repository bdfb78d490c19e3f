using System.Diagnostics;
using Xunit;

namespace Omnibus.Tests.Shared;

/// <summary>Runs a child that prints READY when it starts working, kills it (SIGKILL) a while after, and returns all it printed.</summary>
internal static class ChildProcess
{
    public static async Task<string[]> RunUntilKilledAsync(ProcessStartInfo info, int runMs)
    {
        var lines = new List<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (lines)
            {
                lines.Add(e.Data);
            }
            if (e.Data.StartsWith("READY", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Start-up time varies a lot when the suite runs test projects in parallel: time the run from READY.
        _ = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(ready.Task.IsCompleted, "child did not start: " + errors);
        await Task.Delay(runMs);
        process.Kill();
        await process.WaitForExitAsync();
        process.WaitForExit(); // drains the asynchronous output handlers
        lock (lines)
        {
            return [.. lines];
        }
    }
}
