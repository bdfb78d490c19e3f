using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Management.Api;
using Omnibus.Management.Metrics;

namespace Omnibus.ServiceBus.Admin;

/// <summary>
/// The Service Bus administration API (ATOM feed over HTTP), as <c>ServiceBusAdministrationClient</c> calls it:
/// GET/PUT/DELETE on entity paths, <c>If-Match: *</c> marks an update, lists page with <c>$skip</c>/<c>$top</c>.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Maps the catch-all administration route; literal routes (health, metrics, /api) take precedence.</summary>
    public static IEndpointConventionBuilder MapServiceBusAdministration(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapMethods("/{**path}", ["GET", "PUT", "DELETE"], HandleAsync)
            .AddEndpointFilter<AdminAuthenticationFilter>();
    }

    private static async Task<IResult> HandleAsync(HttpContext context, Broker broker, TimeProvider clock, BrokerMetrics metrics, string? path)
    {
        AdminPath? target = AdminPath.Parse(path ?? "");
        if (target is null)
        {
            return AdminErrors.Result(404, $"No administration resource at '/{path}'.");
        }
        // Service Bus names ignore case; the core's do not.
        string entity = broker.ResolveNameIgnoringCase(target.Entity);
        target = target with
        {
            Entity = entity,
            Subscription = target.Subscription.Length == 0 ? "" : broker.ResolveSubscriptionNameIgnoringCase(entity, target.Subscription),
        };
        var request = new AdminRequest(context, broker, clock, target);
        string? descriptionKind = null;
        try
        {
            XElement? xml;
            switch (context.Request.Method)
            {
                case "GET":
                    xml = request.Get();
                    break;
                case "PUT":
                    XElement description = await ReadBodyAsync(context).ConfigureAwait(false);
                    descriptionKind = description.Name.LocalName;
                    xml = request.Put(description);
                    break;
                default:
                    xml = request.Delete();
                    break;
            }
            return xml is null
                ? Results.Ok()
                : Results.Text(xml.ToString(SaveOptions.DisableFormatting), AtomNames.AtomContentType + ";type=entry;charset=utf-8", statusCode: request.Status);
        }
        catch (MessagingException e)
        {
            metrics.CountError(e.Code.ToString());
            return AdminErrors.Result(ErrorStatus.Of(e.Code), AdminErrorText.Of(e, broker, target, context.Request.Host.Host, descriptionKind));
        }
        catch (Exception e) when (e is XmlException or FormatException or OverflowException or ArgumentException)
        {
            metrics.CountError("BadRequest");
            return AdminErrors.Result(400, e.Message);
        }
    }

    private static async Task<XElement> ReadBodyAsync(HttpContext context)
    {
        XElement entry = await XElement.LoadAsync(context.Request.Body, LoadOptions.None, context.RequestAborted).ConfigureAwait(false);
        return entry.Element(AtomNames.Atom + "content")?.Elements().FirstOrDefault()
            ?? throw new FormatException("The request body is not an ATOM entry with a content description.");
    }

    internal static int Paging(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v : fallback;
}
