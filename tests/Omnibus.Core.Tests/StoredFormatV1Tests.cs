using System.Text;
using Microsoft.Extensions.Time.Testing;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.ServiceBus.Rules;

namespace Omnibus.Core.Tests;

/// <summary>
/// A data directory written by the first stored record format (TestData/v1-data, see its
/// README) opens with today's code and every message reads back with its properties.
/// </summary>
[Trait("Store", TestStore.FileOnly)] // opens data directories written by an earlier build
public sealed class StoredFormatV1Tests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 12, 5, 0, TimeSpan.Zero));

    public StoredFormatV1Tests()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "TestData", "v1-data");
        foreach (string file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_directory, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private Broker Open() => Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = _directory, TimeProvider = _clock, SweepInterval = TimeSpan.FromSeconds(1), SegmentSize = 64 * 1024, RuleCompiler = ServiceBusRuleCompiler.Instance });

    private static string Text(BrokerMessage m) => Encoding.UTF8.GetString(m.Body.Span);

    [Fact]
    public void A_v1_queue_keeps_active_deferred_and_scheduled_messages_with_every_property()
    {
        using Broker broker = Open();
        IReadOnlyList<BrokerMessage> peeked = broker.GetReceivable("orders").Peek(0, 10);

        Assert.Equal(["m1", "m2", "m4", "m5"], peeked.Select(m => m.MessageId));
        BrokerMessage m1 = peeked[0];
        Assert.Equal("plain", Text(m1));
        Assert.Equal(("c1", "subj", "text/plain", "to", "reply", "rs", "pk"), (m1.CorrelationId, m1.Subject, m1.ContentType, m1.To, m1.ReplyTo, m1.ReplyToSessionId, m1.PartitionKey));
        Assert.Equal(TimeSpan.FromHours(1), m1.TimeToLive);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), m1.EnqueuedTime);
        Assert.Equal("text", m1.ApplicationProperties["s"]);
        Assert.Equal(42, m1.ApplicationProperties["i"]);
        Assert.Equal(4200000000L, m1.ApplicationProperties["l"]);
        Assert.Equal(1.5, m1.ApplicationProperties["d"]);
        Assert.Equal(12.34m, m1.ApplicationProperties["m"]);
        Assert.Equal(true, m1.ApplicationProperties["b"]);
        Assert.Equal(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), m1.ApplicationProperties["g"]);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), m1.ApplicationProperties["t"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, m1.ApplicationProperties["bin"]);
        Assert.True(m1.ApplicationProperties.ContainsKey("n"));
        Assert.Null(m1.ApplicationProperties["n"]);
        Assert.Equal(10, m1.ApplicationProperties.Count);
        Assert.Equal("ann", m1.NativeFields[V1NativeFields.AnnotationPrefix + "x-opt-custom"]);
        Assert.Equal(1, m1.Delivery.DeliveryCount);

        Assert.Equal(new byte[] { 0xa1, 0x02, (byte)'h', (byte)'i' }, peeked[1].Body.ToArray());
        Assert.Equal((byte)1, peeked[1].NativeFields[V1NativeFields.BodyKind]);
        Assert.False(m1.NativeFields.ContainsKey(V1NativeFields.BodyKind));
        Assert.Equal(MessageState.Deferred, peeked[2].Delivery.State);
        Assert.Equal("defer", Text(peeked[2]));
        Assert.Equal(MessageState.Scheduled, peeked[3].Delivery.State);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), peeked[3].ScheduledEnqueueTime);
    }

    [Fact]
    public async Task A_v1_dead_letter_queue_keeps_the_reason_and_source()
    {
        using Broker broker = Open();
        BrokerMessage dead = Assert.Single(await broker.GetReceivable("orders").DeadLetter.ReceiveAsync(10, TimeSpan.Zero, ReceiveMode.PeekLock));

        Assert.Equal(("m3", "dead", "orders"), (dead.MessageId, Text(dead), dead.DeadLetterSource));
        Assert.Equal("Bad", dead.ApplicationProperties["DeadLetterReason"]);
        Assert.Equal("it was bad", dead.ApplicationProperties["DeadLetterErrorDescription"]);
    }

    [Fact]
    public async Task A_v1_session_queue_keeps_its_sessions_and_session_state()
    {
        using Broker broker = Open();
        Receivable sessions = broker.GetReceivable("sessions");
        Assert.Equal(["A", "B"], sessions.ListSessions().Order());

        SessionLock a = await sessions.AcceptSessionAsync("A", TimeSpan.Zero);
        Assert.Equal(new byte[] { 9, 9 }, sessions.GetSessionState(a));
        IReadOnlyList<BrokerMessage> got = await sessions.ReceiveAsync(a, 10, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete);
        Assert.Equal(["s-a1", "s-a2"], got.Select(Text));
        Assert.All(got, m => Assert.Equal("A", m.SessionId));
    }

    [Fact]
    public async Task A_v1_topic_keeps_what_each_subscription_was_routed()
    {
        using Broker broker = Open();
        IReadOnlyList<BrokerMessage> all = await broker.GetReceivable("events", "all").ReceiveAsync(10, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete);
        IReadOnlyList<BrokerMessage> red = await broker.GetReceivable("events", "red").ReceiveAsync(10, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete);

        Assert.Equal(["e1", "e2"], all.Select(m => m.MessageId));
        Assert.Equal("red", all[0].ApplicationProperties["color"]);
        Assert.Equal("e1", Assert.Single(red).MessageId);
    }

    public void Dispose()
    {
        try
        {
            TestStore.Delete(_directory);
        }
        catch (IOException)
        {
        }
    }
}
