using System.Text;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.ServiceBus.Rules;

namespace Omnibus.Core.Tests;

/// <summary>A broker over a temp directory with a fake clock; reopen it to test restarts.</summary>
public sealed class BrokerHarness : IDisposable
{
    private readonly Func<BrokerOptions, BrokerOptions> _configure;

    /// <param name="configure">Changes to the harness's options (a free-space probe, say), applied at every open.</param>
    public BrokerHarness(Func<BrokerOptions, BrokerOptions>? configure = null)
    {
        _configure = configure ?? (o => o);
        Directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        Broker = Open();
    }

    public string Directory { get; }

    public FakeTimeProvider Clock { get; }

    public Broker Broker { get; private set; }

    private Broker Open() => Broker.Open(_configure(new BrokerOptions { Store = TestStore.Current, DataDirectory = Directory, TimeProvider = Clock, SweepInterval = TimeSpan.FromSeconds(1), SegmentSize = 64 * 1024, RuleCompiler = ServiceBusRuleCompiler.Instance }));

    /// <summary>Closes the broker cleanly and opens it again over the same data.</summary>
    public void Restart()
    {
        Broker.Dispose();
        Broker = Open();
    }

    /// <summary>Moves the fake clock and runs the time-driven work.</summary>
    public async Task Advance(TimeSpan by)
    {
        Clock.Advance(by);
        await Broker.SweepAsync();
    }

    public void Dispose()
    {
        Broker.Dispose();
        TestStore.Forget(Directory);
        try
        {
            TestStore.Delete(Directory);
        }
        catch (IOException)
        {
        }
    }

    public static BrokerMessage Message(string body, string? id = null, string? session = null, IDictionary<string, object?>? properties = null)
    {
        var m = new BrokerMessage { Body = Encoding.UTF8.GetBytes(body), MessageId = id, SessionId = session };
        if (properties is not null)
        {
            foreach (KeyValuePair<string, object?> kv in properties)
            {
                m.ApplicationProperties[kv.Key] = kv.Value;
            }
        }
        return m;
    }

    public static string Text(BrokerMessage m) => Encoding.UTF8.GetString(m.Body.Span);

    public async Task<long> Send(string path, string body, string? id = null, string? session = null, IDictionary<string, object?>? properties = null) =>
        (await Broker.SendAsync(path, [Message(body, id, session, properties)]))[0];

    public async Task<IReadOnlyList<BrokerMessage>> Receive(string path, int max = 10, ReceiveMode mode = ReceiveMode.PeekLock) =>
        await Broker.GetReceivableByStoredPath(path).ReceiveAsync(max, TimeSpan.Zero, mode);
}
