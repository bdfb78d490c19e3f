using System.Xml.Linq;

namespace Omnibus.ServiceBus.Admin;

/// <summary>Wraps descriptions into ATOM entries and feeds, the envelope the administration client parses.</summary>
internal static class AtomFeed
{
    public static XElement Entry(string baseUri, string path, string title, DateTimeOffset created, DateTimeOffset updated, XElement description)
    {
        string id = baseUri + path;
        return new XElement(AtomNames.Atom + "entry",
            new XAttribute(XNamespace.Xml + "base", id),
            new XElement(AtomNames.Atom + "id", id),
            new XElement(AtomNames.Atom + "title", new XAttribute("type", "text"), title),
            new XElement(AtomNames.Atom + "published", AtomValues.Time(created)),
            new XElement(AtomNames.Atom + "updated", AtomValues.Time(updated)),
            new XElement(AtomNames.Atom + "author", new XElement(AtomNames.Atom + "name", "omnibus")),
            new XElement(AtomNames.Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", id)),
            new XElement(AtomNames.Atom + "content", new XAttribute("type", "application/xml"), description));
    }

    public static XElement Feed(string baseUri, string path, string title, DateTimeOffset now, IEnumerable<XElement> entries, string? nextPage) =>
        new(AtomNames.Atom + "feed",
            new XElement(AtomNames.Atom + "title", new XAttribute("type", "text"), title),
            new XElement(AtomNames.Atom + "id", baseUri + path),
            new XElement(AtomNames.Atom + "updated", AtomValues.Time(now)),
            new XElement(AtomNames.Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", baseUri + path)),
            nextPage is null ? null : new XElement(AtomNames.Atom + "link", new XAttribute("rel", "next"), new XAttribute("href", nextPage)),
            entries);

    /// <summary>A description element with the namespace declarations the service uses.</summary>
    public static XElement Description(string name, IEnumerable<XElement?> children) =>
        new(AtomNames.ServiceBusNs + name,
            new XAttribute(XNamespace.Xmlns + "i", AtomNames.Instance.NamespaceName),
            children.Where(c => c is not null));

    public static XElement CountDetails(params (string Name, long Value)[] counts) =>
        new(AtomNames.ServiceBusNs + "CountDetails",
            new XAttribute(XNamespace.Xmlns + "d2p1", AtomNames.CountDetails.NamespaceName),
            counts.Select(c => new XElement(AtomNames.CountDetails + c.Name, AtomValues.Number(c.Value))));
}
