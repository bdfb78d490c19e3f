namespace Omnibus.Aws.Sqs;

/// <summary>
/// Queue names, URLs and ARNs. A URL is <c>scheme://&lt;the host the client reached&gt;/&lt;account&gt;/&lt;name&gt;</c>, so a
/// client that sends later calls to the URL's host (the JavaScript SDK) reaches this broker; a queue is found
/// by the URL's last path segment only, never by host.
/// </summary>
internal static class QueueAddress
{
    public const string FifoSuffix = ".fifo";

    public static string Url(string baseUrl, string account, string name) => $"{baseUrl}/{account}/{name}";

    public static string Arn(string region, string account, string name) => $"arn:aws:sqs:{region}:{account}:{name}";

    /// <summary>The queue name a QueueUrl names (a full URL, a path, or a bare name).</summary>
    public static string NameFromUrl(string url)
    {
        string path = url;
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            int slash = url.IndexOf('/', scheme + 3);
            path = slash < 0 ? "" : url[slash..];
        }
        int query = path.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            path = path[..query];
        }
        string name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return IsValidName(name) ? name : throw new SqsException(SqsError.QueueDoesNotExist, "The specified queue does not exist.");
    }

    /// <summary>The queue name of an SQS ARN, or null when it is not one.</summary>
    public static string? NameFromArn(string arn)
    {
        string[] parts = arn.Split(':');
        return parts is ["arn", _, "sqs", _, _, { Length: > 0 } name] && IsValidName(name) ? name : null;
    }

    /// <summary>SQS's rule: 1 to 80 letters, digits, '-' and '_', the '.fifo' suffix included for a FIFO queue.</summary>
    public static bool IsValidName(string name)
    {
        string stem = name.EndsWith(FifoSuffix, StringComparison.Ordinal) ? name[..^FifoSuffix.Length] : name;
        return name.Length <= 80 && stem.Length >= 1 && stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }
}
