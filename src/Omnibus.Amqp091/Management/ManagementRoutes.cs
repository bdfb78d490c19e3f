using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Omnibus.Amqp091.Management;

/// <summary>The routes of the management API (docs/amqp091.md, Management HTTP API); handlers read names from the raw path.</summary>
internal static class ManagementRoutes
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api")
            .AddEndpointFilter<ManagementAuthenticationFilter>()
            .AddEndpointFilter<ManagementErrorFilter>();

        api.MapGet("/overview", ManagementRequests.Overview);
        api.MapGet("/whoami", (HttpContext http) => ManagementRequests.WhoAmI(http));
        api.MapGet("/vhosts", ManagementRequests.Vhosts);
        api.MapGet("/vhosts/{vhost}", ManagementRequests.Vhost);
        api.MapPut("/vhosts/{vhost}", ManagementRequests.PutVhost);
        api.MapDelete("/vhosts/{vhost}", ManagementRequests.DeleteVhost);
        api.MapGet("/nodes", ManagementRequests.Nodes);
        api.MapGet("/nodes/{node}", ManagementRequests.Node);
        api.MapGet("/users", ManagementRequests.Users);
        api.MapGet("/users/{name}", ManagementRequests.OneUser);
        api.MapGet("/permissions", ManagementRequests.Permissions);

        api.MapGet("/health/checks/alarms", HealthRequests.Alarms);
        api.MapGet("/health/checks/local-alarms", HealthRequests.Alarms);
        api.MapGet("/health/checks/virtual-hosts", HealthRequests.VirtualHosts);
        api.MapGet("/health/checks/node-is-quorum-critical", HealthRequests.NodeIsQuorumCritical);
        api.MapGet("/aliveness-test/{vhost}", HealthRequests.Aliveness);

        api.MapGet("/queues", QueueRequests.List);
        api.MapGet("/queues/{vhost}", QueueRequests.List);
        api.MapGet("/queues/{vhost}/{name}", QueueRequests.Get);
        api.MapPut("/queues/{vhost}/{name}", QueueRequests.PutAsync);
        api.MapDelete("/queues/{vhost}/{name}", QueueRequests.Delete);
        api.MapDelete("/queues/{vhost}/{name}/contents", QueueRequests.PurgeAsync);
        api.MapGet("/queues/{vhost}/{name}/bindings", QueueRequests.Bindings);
        api.MapPost("/queues/{vhost}/{name}/get", MessageRequests.GetAsync);

        api.MapGet("/exchanges", TopologyRequests.ListExchanges);
        api.MapGet("/exchanges/{vhost}", TopologyRequests.ListExchanges);
        api.MapGet("/exchanges/{vhost}/{name}", TopologyRequests.GetExchange);
        api.MapPut("/exchanges/{vhost}/{name}", TopologyRequests.PutExchangeAsync);
        api.MapDelete("/exchanges/{vhost}/{name}", TopologyRequests.DeleteExchange);
        api.MapPost("/exchanges/{vhost}/{name}/publish", MessageRequests.PublishAsync);
        api.MapGet("/exchanges/{vhost}/{name}/bindings/source", TopologyRequests.ExchangeBindings);
        api.MapGet("/exchanges/{vhost}/{name}/bindings/destination", TopologyRequests.ExchangeBindings);

        api.MapGet("/bindings", TopologyRequests.ListBindings);
        api.MapGet("/bindings/{vhost}", TopologyRequests.ListBindings);
        foreach (string kind in new[] { "q", "e" })
        {
            api.MapGet($"/bindings/{{vhost}}/e/{{source}}/{kind}/{{destination}}", TopologyRequests.BindingsBetween);
            api.MapPost($"/bindings/{{vhost}}/e/{{source}}/{kind}/{{destination}}", TopologyRequests.CreateBindingAsync);
            api.MapGet($"/bindings/{{vhost}}/e/{{source}}/{kind}/{{destination}}/{{props}}", TopologyRequests.GetBinding);
            api.MapDelete($"/bindings/{{vhost}}/e/{{source}}/{kind}/{{destination}}/{{props}}", TopologyRequests.DeleteBinding);
        }

        api.MapGet("/connections", ManagementRequests.Connections);
        api.MapGet("/connections/{name}", ManagementRequests.Connection);
        api.MapDelete("/connections/{name}", ManagementRequests.CloseConnection);
        api.MapGet("/connections/{name}/channels", ManagementRequests.ConnectionChannels);
        api.MapGet("/channels", ManagementRequests.Channels);
        api.MapGet("/channels/{name}", ManagementRequests.Channel);
        api.MapGet("/consumers", ManagementRequests.Consumers);
        api.MapGet("/consumers/{vhost}", ManagementRequests.Consumers);

        api.MapGet("/definitions", ManagementRequests.ExportDefinitions);
        api.MapGet("/definitions/{vhost}", ManagementRequests.ExportDefinitions);
        api.MapPost("/definitions", ManagementRequests.ImportDefinitionsAsync);
        api.MapPost("/definitions/{vhost}", ManagementRequests.ImportDefinitionsAsync);
    }
}
