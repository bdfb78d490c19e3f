using Omnibus.Core.Engine;
using Omnibus.Core.Entities;
using Omnibus.Core.Security;

namespace Omnibus.Core.Tests.Security;

public sealed class AuthorizationHookTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omnibus-core-tests", Guid.NewGuid().ToString("N"));
    private readonly RecordingHook _hook = new();
    private readonly Broker _broker;

    public AuthorizationHookTests() =>
        _broker = Broker.Open(new BrokerOptions { Store = TestStore.Current, DataDirectory = _directory, Authorization = _hook });

    [Fact]
    public async Task Every_entry_point_asks_the_hook_with_the_callers_identity_and_the_right_it_needs()
    {
        var alice = new CallerIdentity("alice", "test");
        _broker.CreateQueue(new QueueDescription { Name = "orders" }, alice);
        await _broker.SendAsync("orders", [BrokerHarness.Message("a")], alice);
        await _broker.SendEachAsync("orders", [[BrokerHarness.Message("b")]], alice);
        _broker.GetReceivable("orders", alice);
        _broker.DeleteQueue("orders", alice);

        Assert.Equal(
            [("alice", EntityRight.Manage, "orders"), ("alice", EntityRight.Send, "orders"), ("alice", EntityRight.Send, "orders"),
             ("alice", EntityRight.Listen, "orders"), ("alice", EntityRight.Manage, "orders")],
            _hook.Calls);
    }

    [Fact]
    public async Task A_refused_send_stores_nothing_and_fails_with_unauthorized()
    {
        _broker.CreateQueue(new QueueDescription { Name = "secret" });
        _hook.Refuse = ("mallory", EntityRight.Send);

        var e = await Assert.ThrowsAsync<MessagingException>(() => _broker.SendAsync("secret", [BrokerHarness.Message("x")], new CallerIdentity("mallory", "test")));

        Assert.Equal(MessagingErrorCode.Unauthorized, e.Code);
        Assert.Equal(0, _broker.GetQueueRuntimeInfo("secret").ActiveMessageCount);
    }

    [Fact]
    public void A_call_without_a_caller_is_the_broker_itself()
    {
        _broker.CreateQueue(new QueueDescription { Name = "internal" });

        Assert.Equal(CallerIdentity.Broker.Name, _hook.Calls.Single().Caller);
    }

    public void Dispose()
    {
        _broker.Dispose();
        try
        {
            TestStore.Delete(_directory);
        }
        catch (IOException)
        {
        }
    }

    private sealed class RecordingHook : IAuthorizationHook
    {
        public List<(string Caller, EntityRight Right, string Entity)> Calls { get; } = [];

        public (string Caller, EntityRight Right)? Refuse { get; set; }

        public void Authorize(CallerIdentity caller, EntityRight right, string entityPath)
        {
            lock (Calls)
            {
                Calls.Add((caller.Name, right, entityPath));
            }
            if (Refuse == (caller.Name, right))
            {
                throw new MessagingException(MessagingErrorCode.Unauthorized, $"{caller.Name} may not {right} on {entityPath}.");
            }
        }
    }
}
