using System.Collections.Concurrent;

namespace Omnibus.Amqp.Connection;

/// <summary>
/// Reply links of a connection, by the address requests name in reply-to (the link's target
/// address, else its name), so a request handler can send its answer down the right link.
/// </summary>
internal sealed class ReplyLinkRegistry
{
    private readonly ConcurrentDictionary<string, ReplyLink> _replyLinks = new(StringComparer.Ordinal);

    public void Add(ReplyLink link)
    {
        if (link.TargetAddress is { Length: > 0 } target)
        {
            _replyLinks[target] = link;
        }
        _replyLinks[link.Name] = link;
    }

    public void Remove(ReplyLink link)
    {
        if (link.TargetAddress is { Length: > 0 } target)
        {
            _replyLinks.TryRemove(new KeyValuePair<string, ReplyLink>(target, link));
        }
        _replyLinks.TryRemove(new KeyValuePair<string, ReplyLink>(link.Name, link));
    }

    public ReplyLink? Find(string? replyTo) =>
        replyTo is not null && _replyLinks.TryGetValue(replyTo, out ReplyLink? link) ? link : null;
}
