using Azure.Messaging.ServiceBus;
using Omnibus.Core;
using Omnibus.Core.Entities;
using Omnibus.Core.Security;

namespace Omnibus.IntegrationTests;

/// <summary>The core's authorization hook sees the caller the SDK authenticated as, and its refusal reaches the SDK as Service Bus's.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private readonly RecordingHook _hook = new();
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(authorization: _hook);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_hook_sees_the_key_that_signed_the_token_and_a_refused_send_is_unauthorized_and_stores_nothing()
    {
        string open = _host.CreateQueue("open");
        string secret = _host.CreateQueue("secret");
        _hook.RefuseSendTo = secret;
        await using ServiceBusClient client = _host.CreateClient();

        await client.CreateSender(open).SendMessageAsync(new ServiceBusMessage("allowed"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => client.CreateSender(secret).SendMessageAsync(new ServiceBusMessage("refused")));
        ServiceBusReceivedMessage? received = await client.CreateReceiver(open).ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("allowed", received?.Body.ToString());
        Assert.Equal(0, _host.Broker.GetQueueRuntimeInfo(secret).ActiveMessageCount);
        Assert.Contains(new CallerIdentity("RootManageSharedAccessKey", "sas"), _hook.Callers(EntityRight.Send, open));
        Assert.Contains(new CallerIdentity("RootManageSharedAccessKey", "sas"), _hook.Callers(EntityRight.Listen, open));
    }

    private sealed class RecordingHook : IAuthorizationHook
    {
        private readonly List<(CallerIdentity Caller, EntityRight Right, string Entity)> _calls = [];

        public string? RefuseSendTo { get; set; }

        public IReadOnlyList<CallerIdentity> Callers(EntityRight right, string entity)
        {
            lock (_calls)
            {
                return [.. _calls.Where(c => c.Right == right && c.Entity == entity).Select(c => c.Caller)];
            }
        }

        public void Authorize(CallerIdentity caller, EntityRight right, string entityPath)
        {
            lock (_calls)
            {
                _calls.Add((caller, right, entityPath));
            }
            if (right == EntityRight.Send && entityPath == RefuseSendTo)
            {
                throw new MessagingException(MessagingErrorCode.Unauthorized, $"{caller.Name} may not send to {entityPath}.");
            }
        }
    }
}
