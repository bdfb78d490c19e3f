using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omnibus.Core.Engine;

namespace Omnibus.Amqp091.Management;

/// <summary>
/// The health checks probes and operators ask (<c>/api/health/checks/*</c>, <c>/api/aliveness-test/{vhost}</c>):
/// 200 <c>{"status":"ok"}</c>, or 503 <c>{"status":"failed","reason"}</c> as RabbitMQ answers a failed check.
/// The only alarm here is the disk one: the data directory's volume below its free-space floor.
/// </summary>
internal static class HealthRequests
{
    public static IResult Alarms(ManagementState state)
    {
        StorageSpaceState space = state.Broker.Space.State;
        return space.IsFull
            ? Failed($"resource alarm in effect on {state.Options.NodeName}: disk ({space.Reason ?? "free space below the floor"})")
            : Ok();
    }

    public static IResult VirtualHosts() => Ok();

    /// <summary>A single node holds everything: no queue depends on another node for its quorum.</summary>
    public static IResult NodeIsQuorumCritical() => Ok();

    /// <summary>The vhost exists and the broker answers a catalog read.</summary>
    public static IResult Aliveness(HttpContext http, ManagementState state)
    {
        if (!state.TryVhost(ManagementHttp.Segment(http, 1), out Vhost? v))
        {
            return ManagementHttp.NotFound();
        }
        _ = v.Broker.ListQueues();
        return Ok();
    }

    private static IResult Ok() => ManagementHttp.Json(new JsonObject { ["status"] = "ok" });

    private static IResult Failed(string reason) =>
        ManagementHttp.Json(new JsonObject { ["status"] = "failed", ["reason"] = reason }, StatusCodes.Status503ServiceUnavailable);
}
