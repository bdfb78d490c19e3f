using System.Net;
using System.Text.Json;
using Omnibus.Server.Cli;

namespace Omnibus.Server.Tests;

/// <summary>
/// The JSON API is protocol-neutral: names follow the core's rule, and each path segment is
/// percent-decoded once, so <c>%2F</c> is a slash inside a name wherever the route puts the name.
/// </summary>
public sealed class JsonApiNameTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task A_name_with_an_escaped_slash_and_the_same_name_written_with_a_plain_slash_are_one_queue()
    {
        (HttpStatusCode created, _, HttpResponseMessage first) = await SendAsync(HttpMethod.Put, "api/queues/json%2Fslashed", NamedBody);
        (HttpStatusCode updated, _, _) = await SendAsync(HttpMethod.Put, "api/queues/json/slashed", new { name = "from-url", maxDeliveryCount = 4 });
        (HttpStatusCode got, JsonElement body, _) = await SendAsync(HttpMethod.Get, "api/queues/json%2Fslashed");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("/api/queues/json%2Fslashed", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.Equal("json/slashed", body.GetProperty("description").GetProperty("name").GetString());
        Assert.Equal(4, server.Broker.GetQueue("json/slashed").MaxDeliveryCount);
        Assert.DoesNotContain(server.Broker.ListQueues(), q => q.Name.Contains('%', StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "api/queues/json%2Fslashed")).Status);
        Assert.DoesNotContain(server.Broker.ListQueues(), q => q.Name == "json/slashed");
    }

    [Fact]
    public async Task A_percent_sign_in_a_name_is_written_as_percent_25_so_a_literal_percent_2F_stays_three_characters()
    {
        (HttpStatusCode created, _, _) = await SendAsync(HttpMethod.Put, "api/queues/literal%252Fname", NamedBody);
        (HttpStatusCode got, JsonElement body, _) = await SendAsync(HttpMethod.Get, "api/queues/literal%252Fname");
        (HttpStatusCode slashed, _, _) = await SendAsync(HttpMethod.Get, "api/queues/literal%2Fname");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.Equal("literal%2Fname", body.GetProperty("description").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, slashed);
    }

    [Fact]
    public async Task A_topic_whose_name_holds_a_slash_has_its_subscriptions_reached_with_an_escaped_slash()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "api/topics/shop/events", NamedBody)).Status);
        (HttpStatusCode created, _, HttpResponseMessage response) = await SendAsync(HttpMethod.Put, "api/topics/shop%2Fevents/subscriptions/audit", new { topicName = "from-url", name = "from-url" });
        (HttpStatusCode got, JsonElement body, _) = await SendAsync(HttpMethod.Get, "api/topics/shop%2Fevents/subscriptions/audit");
        (HttpStatusCode listed, JsonElement list, _) = await SendAsync(HttpMethod.Get, "api/topics/shop%2Fevents/subscriptions");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("/api/topics/shop%2Fevents/subscriptions/audit", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.Equal("shop/events", body.GetProperty("description").GetProperty("topicName").GetString());
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal("audit", Assert.Single(list.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("audit", Assert.Single(server.Broker.ListSubscriptions("shop/events")).Name);
    }

    [Fact]
    public async Task Names_follow_the_core_rule_so_names_service_bus_refuses_are_held_and_broken_ones_refused_as_bad_requests()
    {
        string longer = new('j', 261);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, $"api/queues/{longer}", NamedBody)).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "api/queues/caf%C3%A9%20%3A%20json-", NamedBody)).Status);

        (HttpStatusCode control, JsonElement controlError, _) = await SendAsync(HttpMethod.Put, "api/queues/json%01ctl", NamedBody);
        (HttpStatusCode dots, JsonElement dotsError, _) = await SendAsync(HttpMethod.Put, "api/queues/json%2F..%2Fescape", NamedBody);

        Assert.Contains(server.Broker.ListQueues(), q => q.Name == longer);
        Assert.Contains(server.Broker.ListQueues(), q => q.Name == "café : json-");
        Assert.Equal(HttpStatusCode.BadRequest, control);
        Assert.Contains("control character U+0001", controlError.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, dots);
        Assert.Contains("'..' path segment", dotsError.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Broker.ListQueues(), q => q.Name.StartsWith("json", StringComparison.Ordinal) && q.Name != "json/slashed");
    }

    [Fact]
    public async Task The_cli_creates_shows_and_deletes_a_queue_whose_name_holds_a_slash()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] at = ["--server", server.HttpBase.ToString()];

        int create = await OmnibusCli.RunAsync(["queue", "create", "cli/with-slash", .. at], output, error);
        int show = await OmnibusCli.RunAsync(["queue", "show", "cli/with-slash", .. at], output, error);
        Assert.Contains(server.Broker.ListQueues(), q => q.Name == "cli/with-slash");
        int delete = await OmnibusCli.RunAsync(["queue", "delete", "cli/with-slash", .. at], output, error);

        Assert.Equal((0, 0, 0), (create, show, delete));
        Assert.Equal("", error.ToString());
        Assert.DoesNotContain(server.Broker.ListQueues(), q => q.Name == "cli/with-slash");
    }

    // The body's name is required by the description type; the URL's name is the one used.
    private static readonly object NamedBody = new { name = "from-url" };

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? body = null) =>
        JsonApiRequests.SendAsync(server, method, path, body);
}
