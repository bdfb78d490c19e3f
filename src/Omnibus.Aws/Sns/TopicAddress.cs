namespace Omnibus.Aws.Sns;

/// <summary>
/// SNS topic names and ARNs: <c>arn:aws:sns:&lt;region&gt;:&lt;account&gt;:&lt;topic&gt;</c> for a topic and
/// <c>&lt;topic ARN&gt;:&lt;uuid&gt;</c> for a subscription. A topic is found by the ARN's name only (any region).
/// </summary>
internal static class TopicAddress
{
    public const string FifoSuffix = ".fifo";

    public static string Arn(string region, string account, string name) => $"arn:aws:sns:{region}:{account}:{name}";

    /// <summary>SNS's rule: 1 to 256 letters, digits, '-' and '_', the '.fifo' suffix included for a FIFO topic.</summary>
    public static bool IsValidName(string name)
    {
        string stem = name.EndsWith(FifoSuffix, StringComparison.Ordinal) ? name[..^FifoSuffix.Length] : name;
        return name.Length <= 256 && stem.Length >= 1 && stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    public static bool IsFifo(string name) => name.EndsWith(FifoSuffix, StringComparison.Ordinal);

    /// <summary>The topic a topic ARN names; InvalidParameter when it is not one.</summary>
    public static string TopicName(string arn, string parameter = "TopicArn")
    {
        string[] parts = arn.Split(':');
        return parts is ["arn", _, "sns", _, _, { } name] && IsValidName(name)
            ? name
            : throw new SnsException(SnsError.InvalidParameter, $"Invalid parameter: {parameter}");
    }

    /// <summary>The topic and subscription id a subscription ARN names; InvalidParameter when it is not one.</summary>
    public static (string Topic, string Id) Subscription(string arn)
    {
        string[] parts = arn.Split(':');
        return parts is ["arn", _, "sns", _, _, { } topic, { Length: > 0 } id] && IsValidName(topic)
            ? (topic, id)
            : throw new SnsException(SnsError.InvalidParameter, "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not a topic ARN");
    }
}
