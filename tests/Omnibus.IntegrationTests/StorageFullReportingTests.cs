using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Testing;

namespace Omnibus.IntegrationTests;

/// <summary>The full-disk state as an operator sees it: /health/ready, /metrics and the log, with a fake volume and clock.</summary>
public sealed class StorageFullReportingTests
{
    [Fact]
    public async Task Below_the_floor_the_broker_reports_Degraded_the_gauge_and_log_events_400_then_401_when_space_returns()
    {
        long free = 1L << 40;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new EventLog();
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync(o =>
        {
            o.RequireHttpAuthorization = false;
            o.TimeProvider = clock;
            o.Logging = l => l.AddProvider(logs);
            o.Host = h =>
            {
                h.MinFreeSpaceBytes = 64L * 1024 * 1024;
                h.FreeSpaceProbe = _ => Interlocked.Read(ref free);
            };
        });
        using var http = new HttpClient { BaseAddress = broker.AdminEndpoint };
        Assert.Equal("Healthy", await http.GetStringAsync("health/ready"));
        Assert.Contains("omnibus_storage_full 0", await http.GetStringAsync("metrics"), StringComparison.Ordinal);

        Interlocked.Exchange(ref free, 10L * 1024 * 1024);
        clock.Advance(TimeSpan.FromSeconds(1));
        string ready = await http.GetStringAsync("health/ready");
        Assert.StartsWith("Degraded: Storage full", ready, StringComparison.Ordinal);
        Assert.Contains("10 MiB free", ready, StringComparison.Ordinal);
        Assert.Contains("floor of 64 MiB", ready, StringComparison.Ordinal);
        Assert.Contains("omnibus_storage_full 1", await http.GetStringAsync("metrics"), StringComparison.Ordinal);

        Interlocked.Exchange(ref free, 1L << 40);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Healthy", await http.GetStringAsync("health/ready"));
        Assert.Equal([400, 401], logs.Ids.Where(id => id is 400 or 401));
        Assert.Contains(logs.Lines, l => l.Contains("Storage full", StringComparison.Ordinal) && l.Contains("10485760 bytes free", StringComparison.Ordinal));
    }

    /// <summary>Keeps each event id and message the host logs (category <c>Omnibus.Server</c>; others are dropped).</summary>
    private sealed class EventLog : ILoggerProvider, ILogger
    {
        private sealed class Ignored : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => false;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }

        private readonly List<(int Id, string Line)> _events = [];

        public IReadOnlyList<int> Ids
        {
            get
            {
                lock (_events)
                {
                    return [.. _events.Select(e => e.Id)];
                }
            }
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_events)
                {
                    return [.. _events.Select(e => e.Line)];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => categoryName == "Omnibus.Server" ? this : new Ignored();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_events)
            {
                _events.Add((eventId.Id, formatter(state, exception)));
            }
        }

        public void Dispose()
        {
        }
    }
}
