using System.Xml.Linq;
using Omnibus.ServiceBus.Admin;

namespace Omnibus.Server.Tests;

/// <summary>An ATOM error detail can echo what a client sent; the body stays well-formed XML whatever it holds.</summary>
public sealed class AdminErrorBodyTests
{
    [Fact]
    public void Markup_is_escaped_and_characters_xml_cannot_hold_are_written_as_escapes_while_surrogate_pairs_are_kept()
    {
        string body = AdminErrors.Body(400, "name 'a<b>&\"c' \u0001 lone \ud800 pair \ud83d\udce6 end \udc00");

        XElement error = XElement.Parse(body);

        Assert.Equal("400", error.Element("Code")?.Value);
        Assert.Equal("name 'a<b>&\"c' \\u0001 lone \\ud800 pair \ud83d\udce6 end \\udc00", error.Element("Detail")?.Value);
    }
}
