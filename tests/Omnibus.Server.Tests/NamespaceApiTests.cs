using System.Net;
using System.Text.Json;

namespace Omnibus.Server.Tests;

/// <summary>The JSON API's namespaces: made, listed and deleted at run time; the default one stays.</summary>
public sealed class NamespaceApiTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task A_namespace_is_created_listed_and_deleted_and_the_default_one_cannot_be_deleted()
    {
        (HttpStatusCode created, _, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Put, "api/namespaces/tenant-json");
        (HttpStatusCode twice, JsonElement twiceError, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Put, "api/namespaces/tenant-json");
        (HttpStatusCode listed, JsonElement names, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Get, "api/namespaces");
        (HttpStatusCode defaultDeleted, _, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Delete, "api/namespaces/default");
        (HttpStatusCode deleted, _, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Delete, "api/namespaces/tenant-json");
        (HttpStatusCode missing, _, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Delete, "api/namespaces/tenant-json");
        (_, JsonElement after, _) = await JsonApiRequests.SendAsync(server, HttpMethod.Get, "api/namespaces");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.Conflict, twice);
        Assert.Contains("already exists", twiceError.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(["default", "tenant-json"], names.EnumerateArray().Select(n => n.GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, defaultDeleted);
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(["default"], after.EnumerateArray().Select(n => n.GetString()!).ToArray());
    }
}
