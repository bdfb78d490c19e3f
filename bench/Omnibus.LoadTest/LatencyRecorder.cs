using System.Diagnostics;

namespace Omnibus.LoadTest;

/// <summary>End-to-end latencies (send start → receive) from a timestamp carried in each message.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _millis = [];

    public static long Now() => Stopwatch.GetTimestamp();

    public void Record(long sentTimestamp)
    {
        double ms = Stopwatch.GetElapsedTime(sentTimestamp).TotalMilliseconds;
        lock (_millis)
        {
            _millis.Add(ms);
        }
    }

    public int Count
    {
        get
        {
            lock (_millis)
            {
                return _millis.Count;
            }
        }
    }

    public (double P50, double P99) Percentiles()
    {
        lock (_millis)
        {
            if (_millis.Count == 0)
            {
                return (double.NaN, double.NaN);
            }
            _millis.Sort();
            return (_millis[(int)(_millis.Count * 0.50)], _millis[Math.Min(_millis.Count - 1, (int)(_millis.Count * 0.99))]);
        }
    }
}

/// <summary>One row of results.</summary>
internal sealed record RunResult(string Client, string Broker, string Mode, double MessagesPerSecond, double P50, double P99, long Received, string? Error = null)
{
    public override string ToString() => Error is not null
        ? $"{Client,-10} {Broker,-9} {Mode,-10} failed: {Error}"
        : $"{Client,-10} {Broker,-9} {Mode,-10} {MessagesPerSecond,10:N0} msg/s   p50 {P50,7:F2} ms   p99 {P99,7:F2} ms   ({Received:N0} received)";
}
