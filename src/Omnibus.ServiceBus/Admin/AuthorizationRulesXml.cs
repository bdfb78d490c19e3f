using System.Xml.Linq;

namespace Omnibus.ServiceBus.Admin;

/// <summary>
/// A queue's or topic's <c>AuthorizationRules</c> (its own SAS policies), kept as the client sent them in the
/// entity's front-end settings and returned with it, as Service Bus stores and returns them. They are not
/// enforced: tokens are checked against the server's keys (docs/server.md, <c>Omnibus:Auth</c>).
/// </summary>
internal static class AuthorizationRulesXml
{
    /// <summary>The front-end setting holding the rules' XML.</summary>
    public const string Setting = "servicebus:authorization-rules";

    /// <summary>
    /// The settings with the rules the description carries: set when it has some, removed when its element is
    /// empty, kept when it has none (an update from a client that does not send them).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Keep(XElement description, IReadOnlyDictionary<string, string>? settings)
    {
        XElement? rules = description.Element(AtomNames.ServiceBusNs + "AuthorizationRules");
        if (rules is null)
        {
            return settings;
        }
        var kept = new Dictionary<string, string>(settings ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (rules.HasElements)
        {
            kept[Setting] = rules.ToString(SaveOptions.DisableFormatting);
        }
        else
        {
            kept.Remove(Setting);
        }
        return kept.Count == 0 ? null : kept;
    }

    /// <summary>The stored rules as the element to return, or an empty element when there are none.</summary>
    public static XElement Of(IReadOnlyDictionary<string, string>? settings) =>
        settings?.GetValueOrDefault(Setting) is { } xml
            ? XElement.Parse(xml)
            : new XElement(AtomNames.ServiceBusNs + "AuthorizationRules");
}
