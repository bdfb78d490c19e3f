using System.Diagnostics;
using System.Text;

namespace Omnibus.Server.Tests;

/// <summary>The real <c>omnibus</c> executable (omnibus.dll from the build output) run as a child process.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public int HttpPort { get; private init; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<ServerProcess> StartAsync(string workingDirectory, int httpPort, int amqpPort, IDictionary<string, string>? environment = null, params string[] args)
        => StartWithFileHandleLimitAsync(workingDirectory, httpPort, amqpPort, null, environment, args);

    /// <summary>As <see cref="StartAsync"/>; with <paramref name="fileHandleLimit"/>, under <c>prlimit</c> with that soft and hard RLIMIT_NOFILE.</summary>
    public static async Task<ServerProcess> StartWithFileHandleLimitAsync(string workingDirectory, int httpPort, int amqpPort, int? fileHandleLimit, IDictionary<string, string>? environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "omnibus.dll");
        var info = new ProcessStartInfo(fileHandleLimit is null ? "dotnet" : "prlimit")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (fileHandleLimit is int limit)
        {
            info.ArgumentList.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--nofile={limit}:{limit}"));
            info.ArgumentList.Add("dotnet");
        }
        foreach (string a in (string[])[dll, "--http-port", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--amqp-port", amqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Omnibus:Aws:Enabled=false", "--Omnibus:Kafka:Enabled=false", "--Omnibus:RabbitMqManagement:Enabled=false", .. args])
        {
            info.ArgumentList.Add(a);
        }
        foreach (KeyValuePair<string, string> kv in environment ?? new Dictionary<string, string>())
        {
            info.Environment[kv.Key] = kv.Value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerProcess(process) { HttpPort = httpPort };
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync();
        return server;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"omnibus exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using HttpResponseMessage r = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health/ready"));
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"omnibus was not ready within 60 s:\n{Output}");
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
