using System.Net;
using System.Text.Json.Nodes;
using Omnibus.Testing;

namespace Omnibus.Amqp091.Tests.Management;

/// <summary>Basic authentication of the management API against the RabbitMQ users, and the API kept to its own listener.</summary>
public sealed class ManagementAuthenticationTests : IAsyncLifetime
{
    private OmnibusTestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await OmnibusTestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_wrong_password_is_401_with_a_basic_challenge()
    {
        using var api = new ManagementClient(_broker, "guest", "wrong");

        using HttpResponseMessage response = await api.Http.GetAsync("api/overview");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("not_authorized", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!);
    }

    [Fact]
    public async Task A_request_without_credentials_is_401()
    {
        using var http = new HttpClient { BaseAddress = _broker.RabbitMqManagementUrl };

        using HttpResponseMessage response = await http.GetAsync("api/queues");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_user_of_the_amqp_front_end_logs_in_to_the_management_api_too()
    {
        await using OmnibusTestBroker broker = await OmnibusTestBroker.StartAsync();
        Amqp091Options users = (Amqp091Options)broker.Host.Services.GetService(typeof(Amqp091Options))!;
        users.Users["ops"] = "s3cret";
        using var api = new ManagementClient(broker, "ops", "s3cret");

        JsonNode me = await api.GetAsync("api/whoami");

        Assert.Equal("ops", (string)me["name"]!);
    }

    [Fact]
    public void Guest_is_refused_from_a_remote_address_and_accepted_from_loopback_as_rabbitmq_does()
    {
        var options = new Amqp091Options();

        Assert.Equal(LoginOutcome.GuestFromRemote, Amqp091Users.Check(options, "guest", "guest", IPAddress.Parse("10.1.2.3")));
        Assert.Equal(LoginOutcome.Accepted, Amqp091Users.Check(options, "guest", "guest", IPAddress.Loopback));
        Assert.Equal(LoginOutcome.Accepted, Amqp091Users.Check(options, "guest", "guest", IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Equal(LoginOutcome.BadCredentials, Amqp091Users.Check(options, "guest", "nope", IPAddress.Loopback));
        options.GuestFromLoopbackOnly = false;
        Assert.Equal(LoginOutcome.Accepted, Amqp091Users.Check(options, "guest", "guest", IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public async Task The_management_port_answers_only_this_api_and_the_omnibus_api_port_does_not_answer_it()
    {
        using var api = new ManagementClient(_broker);
        using var omnibus = new HttpClient { BaseAddress = _broker.AdminEndpoint };

        using HttpResponseMessage health = await api.Http.GetAsync("health");
        using HttpResponseMessage overviewElsewhere = await omnibus.GetAsync("api/overview");
        JsonNode overview = await api.GetAsync("api/overview");

        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, overviewElsewhere.StatusCode);
        Assert.NotNull(overview["rabbitmq_version"]);
    }
}
