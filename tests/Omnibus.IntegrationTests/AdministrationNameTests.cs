using System.Net;
using Azure.Core.Pipeline;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Omnibus.ServiceBus.Security;
using Omnibus.Testing;

namespace Omnibus.IntegrationTests;

/// <summary>
/// Names a Service Bus client creates through the ATOM administration API are held to Service Bus's
/// rules (ServiceBusNames), refused as Service Bus refuses them: 400 with an XML error, which the SDK
/// raises as <see cref="ArgumentException"/>.
/// </summary>
public sealed class AdministrationNameTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;
    private ServiceBusAdministrationClient _admin = null!;

    public async Task InitializeAsync()
    {
        _broker = await OmnibusTestBroker.StartAsync();
        _admin = new ServiceBusAdministrationClient(_broker.ServiceBusAdministrationConnectionString, NoRetries());
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_name_with_a_slash_periods_hyphens_and_underscores_is_created_and_reached_by_the_sdk()
    {
        QueueProperties created = await _admin.CreateQueueAsync("a/b.c-d_e");
        await using var client = new ServiceBusClient(_broker.ServiceBusConnectionString);
        await client.CreateSender("a/b.c-d_e").SendMessageAsync(new ServiceBusMessage("kept"));

        Assert.Equal("a/b.c-d_e", created.Name);
        Assert.Equal(1, (await _admin.GetQueueRuntimePropertiesAsync("a/b.c-d_e")).Value.ActiveMessageCount);
    }

    [Fact]
    public async Task A_control_character_in_a_name_is_refused_as_a_bad_request_not_a_server_error_and_nothing_is_created()
    {
        var queue = await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateQueueAsync("ctl\u0001name"));
        var topic = await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateTopicAsync("ctl\u007fname"));

        Assert.Contains("U+0001", queue.Message, StringComparison.Ordinal);
        Assert.Contains("U+007F", topic.Message, StringComparison.Ordinal);
        Assert.Empty(_broker.Broker.ListQueues());
        Assert.Empty(_broker.Broker.ListTopics());
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("xxx/../y")]
    [InlineData("a/./b")]
    public async Task Dot_segments_that_reach_the_broker_are_refused_with_an_argument_error_and_nothing_is_created(string name)
    {
        // The .NET SDK builds its URL with System.Uri, which resolves dot segments before sending (see the next
        // test); a client that does not (another SDK, a script) sends them, as this handler makes the SDK do.
        ServiceBusAdministrationClient admin = new(_broker.ServiceBusAdministrationConnectionString, NoRetries(new SendNameEscaped(name)));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => admin.CreateQueueAsync("placeholder"));

        Assert.Contains($"The queue name '{name}'", e.Message, StringComparison.Ordinal);
        Assert.Empty(_broker.Broker.ListQueues());
    }

    [Fact]
    public async Task Dot_segments_written_through_the_dotnet_sdk_are_resolved_by_it_so_nothing_is_created_outside_the_namespace()
    {
        await _admin.CreateQueueAsync("../../etc");
        await _admin.CreateQueueAsync("xxx/../y");

        Assert.Equal(["etc", "y"], _broker.Broker.ListQueues().Select(q => q.Name));
    }

    [Fact]
    public async Task A_name_of_261_characters_is_refused_by_the_broker_and_one_of_260_is_created()
    {
        // The SDK refuses 261 characters itself (ArgumentOutOfRangeException) before sending, so this one goes as raw ATOM.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _admin.CreateQueueAsync(new string('a', 261)));

        using HttpResponseMessage response = await PutQueueAsync(new string('a', 261));
        string body = await response.Content.ReadAsStringAsync();
        await _admin.CreateQueueAsync(new string('b', 260));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Error><Code>400</Code>", body, StringComparison.Ordinal);
        Assert.Contains("1 to 260 characters", body, StringComparison.Ordinal);
        Assert.Equal([new string('b', 260)], _broker.Broker.ListQueues().Select(q => q.Name));
    }

    [Theory]
    [InlineData("ends-with-hyphen-")]
    [InlineData("_starts-with-underscore")]
    [InlineData("has space")]
    [InlineData("café")]
    [InlineData("a/Subscriptions/b")]
    public async Task Names_the_core_would_hold_but_service_bus_refuses_are_refused_to_service_bus_clients(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateQueueAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateTopicAsync(name));

        Assert.Empty(_broker.Broker.ListQueues());
        Assert.Empty(_broker.Broker.ListTopics());
    }

    [Fact]
    public async Task Subscription_and_rule_names_follow_service_bus_rules_through_atom_and_the_rule_manager()
    {
        await _admin.CreateTopicAsync("orders");
        await _admin.CreateSubscriptionAsync("orders", "audit.eu-1_a");
        var badSubscription = await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateSubscriptionAsync("orders", "audit-"));
        var badRule = await Assert.ThrowsAsync<ArgumentException>(() => _admin.CreateRuleAsync("orders", "audit.eu-1_a", new CreateRuleOptions("high-", new SqlRuleFilter("1=1"))));
        await _admin.DeleteRuleAsync("orders", "audit.eu-1_a", "$Default");
        await _admin.CreateRuleAsync("orders", "audit.eu-1_a", new CreateRuleOptions("$Default", new SqlRuleFilter("1=1")));

        await using var client = new ServiceBusClient(_broker.ServiceBusConnectionString);
        await using ServiceBusRuleManager rules = client.CreateRuleManager("orders", "audit.eu-1_a");
        var viaAmqp = await Assert.ThrowsAsync<ArgumentException>(() => rules.CreateRuleAsync(new CreateRuleOptions("café", new SqlRuleFilter("1=1"))));
        await rules.CreateRuleAsync(new CreateRuleOptions("high.priority_1", new SqlRuleFilter("priority > 1")));

        Assert.Contains("must start and end with a letter or a number", badSubscription.Message, StringComparison.Ordinal);
        Assert.Contains("must start and end with a letter or a number", badRule.Message, StringComparison.Ordinal);
        Assert.Contains("'é'", viaAmqp.Message, StringComparison.Ordinal);
        Assert.Equal(["audit.eu-1_a"], _broker.Broker.ListSubscriptions("orders").Select(s => s.Name));
        Assert.Equal(["$Default", "high.priority_1"], _broker.Broker.GetRules("orders", "audit.eu-1_a").Select(r => r.Name));
    }

    [Fact]
    public async Task A_name_differing_only_in_case_is_the_same_entity_to_service_bus_clients()
    {
        await _admin.CreateQueueAsync("Invoices");

        var e = await Assert.ThrowsAsync<ServiceBusException>(() => _admin.CreateQueueAsync("invoices"));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityAlreadyExists, e.Reason);
        Assert.Equal(["Invoices"], _broker.Broker.ListQueues().Select(q => q.Name));
    }

    [Fact]
    public async Task A_sender_or_receiver_attached_to_a_name_nothing_can_have_gets_entity_not_found()
    {
        await using var client = new ServiceBusClient(_broker.ServiceBusConnectionString, new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(10) },
        });

        var send = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateSender("ctl\u0001name").SendMessageAsync(new ServiceBusMessage("x")));
        var receive = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateReceiver("../../etc").ReceiveMessageAsync(TimeSpan.FromSeconds(1)));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, send.Reason);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, receive.Reason);
    }

    private async Task<HttpResponseMessage> PutQueueAsync(string name)
    {
        ServiceBusConnectionStringProperties cs = ServiceBusConnectionStringProperties.Parse(_broker.ServiceBusAdministrationConnectionString);
        using var http = new HttpClient { BaseAddress = _broker.AdminEndpoint };
        const string Body = "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content type=\"application/xml\"><QueueDescription xmlns=\"http://schemas.microsoft.com/netservices/2010/10/servicebus/connect\" /></content></entry>";
        using var request = new HttpRequestMessage(HttpMethod.Put, Uri.EscapeDataString(name)) { Content = new StringContent(Body) };
        request.Headers.TryAddWithoutValidation("Authorization",
            SharedAccessSignature.CreateToken(new Uri(_broker.AdminEndpoint, Uri.EscapeDataString(name)).ToString(), cs.SharedAccessKeyName, cs.SharedAccessKey, TimeSpan.FromMinutes(5), TimeProvider.System));
        return await http.SendAsync(request);
    }

    private static ServiceBusAdministrationClientOptions NoRetries(HttpMessageHandler? handler = null)
    {
        var options = new ServiceBusAdministrationClientOptions { Retry = { MaxRetries = 0 } };
        if (handler is not null)
        {
            options.Transport = new HttpClientTransport(handler);
        }
        return options;
    }

    /// <summary>Sends <paramref name="name"/> as the entity path with its slashes escaped, so no URI handling resolves its dot segments.</summary>
    private sealed class SendNameEscaped(string name) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri uri = request.RequestUri!;
            request.RequestUri = new Uri($"{uri.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(name)}{uri.Query}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
