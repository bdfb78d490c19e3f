using System.Xml.Linq;

namespace Omnibus.ServiceBus.Admin;

/// <summary>XML namespaces of the Service Bus ATOM management protocol (as the SDK's administration client reads and writes them).</summary>
internal static class AtomNames
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace ServiceBusNs = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
    public static readonly XNamespace Instance = "http://www.w3.org/2001/XMLSchema-instance";
    public static readonly XNamespace Schema = "http://www.w3.org/2001/XMLSchema";

    /// <summary>Count details live in the 2011 namespace in the service's answers; the SDK reads them by local name.</summary>
    public static readonly XNamespace CountDetails = "http://schemas.microsoft.com/netservices/2011/06/servicebus";

    public static readonly XName InstanceType = Instance + "type";

    public const string AtomContentType = "application/atom+xml";

    public static XElement Sb(string name, object? value) => new(ServiceBusNs + name, value);
}
