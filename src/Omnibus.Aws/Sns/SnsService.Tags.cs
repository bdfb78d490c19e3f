using System.Xml;
using Omnibus.Core.Entities;

namespace Omnibus.Aws.Sns;

/// <summary>TagResource, UntagResource, ListTagsForResource: a topic's tags, kept with its SNS attributes.</summary>
internal sealed partial class SnsService
{
    private const int MaxTags = 50;

    private static List<KeyValuePair<string, string>> ReadTags(QueryArgs args)
    {
        var tags = new List<KeyValuePair<string, string>>();
        foreach (QueryArgs t in args.Members("Tags"))
        {
            string key = t.String("Key") is { Length: >= 1 and <= 128 } k ? k : throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Tags Reason: a tag key must be 1 to 128 characters");
            string value = t.String("Value") ?? "";
            if (value.Length > 256)
            {
                throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: Tags Reason: a tag value must be at most 256 characters");
            }
            tags.RemoveAll(e => e.Key == key);
            tags.Add(new(key, value));
        }
        return tags;
    }

    private (TopicDescription Topic, TopicSettings Settings) Resource(SnsCall call)
    {
        TopicDescription t = TopicOf(call, "ResourceArn", SnsError.ResourceNotFound);
        return (t, TopicSettings.Of(t));
    }

    private Action<XmlWriter>? TagResource(SnsCall call)
    {
        (TopicDescription t, TopicSettings settings) = Resource(call);
        foreach ((string k, string v) in ReadTags(call.Args))
        {
            settings.Tags[k] = v;
        }
        if (settings.Tags.Count > MaxTags)
        {
            throw new SnsException(SnsError.TagLimitExceeded, $"Could not complete request: tag quota of per resource exceeded (at most {MaxTags})");
        }
        _broker.UpdateTopic(t with { UserMetadata = settings.ToMetadata() }, call.Caller);
        return _ => { };
    }

    private Action<XmlWriter>? UntagResource(SnsCall call)
    {
        (TopicDescription t, TopicSettings settings) = Resource(call);
        foreach (string k in call.Args.Strings("TagKeys"))
        {
            settings.Tags.Remove(k);
        }
        _broker.UpdateTopic(t with { UserMetadata = settings.ToMetadata() }, call.Caller);
        return _ => { };
    }

    private Action<XmlWriter>? ListTagsForResource(SnsCall call)
    {
        (_, TopicSettings settings) = Resource(call);
        return w =>
        {
            w.WriteStartElement("Tags");
            foreach ((string k, string v) in settings.Tags)
            {
                w.WriteStartElement("member");
                w.WriteElementString("Key", k);
                w.WriteElementString("Value", v);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        };
    }
}
