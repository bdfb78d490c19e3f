using System.Diagnostics;

namespace Omnibus.Tests.Shared;

/// <summary>The examples' host (examples/host) as a separate process on a data directory, for tests that SIGKILL a broker.</summary>
internal static class ExampleHostProcess
{
    /// <summary>Starts it with a free port and returns the process and the AMQP port it printed (<c>LISTENING n</c>).</summary>
    public static async Task<(Process Process, int Port)> StartAsync(string dataDirectory, [System.Runtime.CompilerServices.CallerFilePath] string callerFile = "")
    {
        (Process process, IReadOnlyDictionary<string, int> ports) = await StartWithPortsAsync(dataDirectory, callerFile);
        return (process, ports["LISTENING"]);
    }

    /// <summary>
    /// Starts it with free ports and returns the process and every port it printed before it listened, by the word
    /// before each (<c>SQS</c>, <c>KAFKA</c>, and <c>LISTENING</c> for AMQP).
    /// </summary>
    public static async Task<(Process Process, IReadOnlyDictionary<string, int> Ports)> StartWithPortsAsync(string dataDirectory, [System.Runtime.CompilerServices.CallerFilePath] string callerFile = "")
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostDll(callerFile));
        start.ArgumentList.Add(dataDirectory);
        start.ArgumentList.Add("0");
        Process process = Process.Start(start)!;
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException("host exited: " + await process.StandardError.ReadToEndAsync());
            }
            string[] words = line.Split(' ');
            if (words.Length == 2 && int.TryParse(words[1], System.Globalization.CultureInfo.InvariantCulture, out int port))
            {
                ports[words[0]] = port;
            }
            if (words[0] == "LISTENING")
            {
                return (process, ports);
            }
        }
    }

    /// <summary>Kills the host if it still runs, waits for it and releases it.</summary>
    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Deletes a test's data directory, leaving it if something still holds it.</summary>
    public static void DeleteDataDirectory(string path)
    {
        try
        {
            Directory.Delete(path, true);
        }
        catch (IOException)
        {
        }
    }

    // The build of the test project calling (Debug or Release) next to its own tests/<project>/ directory.
    private static string HostDll(string callerFile)
    {
        string configuration = typeof(ExampleHostProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerFile)!, "../../examples/host/bin", configuration, "net10.0/Omnibus.ExamplesHost.dll"));
    }
}
