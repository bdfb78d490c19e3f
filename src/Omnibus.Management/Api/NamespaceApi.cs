using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnibus.Core.Engine;

namespace Omnibus.Management.Api;

/// <summary>
/// <c>/api/namespaces</c>: list, create and delete the data directory's namespaces (each one is also a RabbitMQ
/// vhost of the same name; the default namespace is vhost <c>/</c>). Answers 404 on a broker hosted without a
/// <see cref="NamespaceRegistry"/>.
/// </summary>
internal static class NamespaceApi
{
    private const int NameSegment = 3;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/namespaces", (HttpContext http) => Registry(http) is { } r ? Results.Ok(r.Names) : Results.NotFound());
        api.MapPut("/namespaces/{name}", (HttpContext http) =>
        {
            if (Registry(http) is not { } r)
            {
                return Results.NotFound();
            }
            string name = ApiPathNames.Segment(http, NameSegment);
            r.Create(name);
            return Results.Created($"/api/namespaces/{Uri.EscapeDataString(name)}", new { name });
        });
        api.MapDelete("/namespaces/{name}", (HttpContext http) =>
        {
            if (Registry(http) is not { } r)
            {
                return Results.NotFound();
            }
            r.Delete(ApiPathNames.Segment(http, NameSegment));
            return Results.NoContent();
        });
    }

    private static NamespaceRegistry? Registry(HttpContext http) => http.RequestServices.GetService(typeof(NamespaceRegistry)) as NamespaceRegistry;
}
