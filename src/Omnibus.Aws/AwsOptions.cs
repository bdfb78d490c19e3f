namespace Omnibus.Aws;

/// <summary>Options of the AWS front-end (SQS over HTTP); defaults are LocalStack's, so local setups keep working (docs/aws.md).</summary>
public sealed class AwsOptions
{
    /// <summary>The access key id LocalStack and the AWS samples use by default.</summary>
    public const string DefaultAccessKeyId = "test";

    /// <summary>The secret of <see cref="DefaultAccessKeyId"/>.</summary>
    public const string DefaultSecretKey = "test";

    /// <summary>Access key ids and their secret keys; every request must be signed (SigV4) with one of them. Default <c>test</c> / <c>test</c>.</summary>
    public IDictionary<string, string> Credentials { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { [DefaultAccessKeyId] = DefaultSecretKey };

    /// <summary>The 12-digit account id in queue URLs and ARNs (one broker, one account: the default namespace).</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>The region named in ARNs when a request's credential scope names none.</summary>
    public string DefaultRegion { get; set; } = "us-east-1";

    /// <summary>How far a request's signing time may be from the broker's clock (AWS allows 15 minutes).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The largest request body read (bytes). SQS's own limits (1 MiB per message and per batch) are checked
    /// on the decoded request with SQS's errors; this bound only keeps a runaway body out of memory.
    /// </summary>
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The key receipt handles are authenticated with; random per process when null (handles die with the locks they carry at a restart anyway).</summary>
    public byte[]? ReceiptKey { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Credentials.Count == 0)
        {
            throw new ArgumentException("At least one access key is needed.", nameof(Credentials));
        }
        foreach (KeyValuePair<string, string> k in Credentials)
        {
            if (string.IsNullOrEmpty(k.Key) || string.IsNullOrEmpty(k.Value))
            {
                throw new ArgumentException("An access key needs an id and a secret.", nameof(Credentials));
            }
        }
        if (AccountId is not { Length: 12 } || !AccountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"AccountId '{AccountId}' must be 12 digits.", nameof(AccountId));
        }
        if (MaxClockSkew <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxClockSkew), MaxClockSkew, "MaxClockSkew must be positive.");
        }
        if (MaxRequestBytes < 1024 * 1024 + 64 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, "MaxRequestBytes must hold a 1 MiB message with its request.");
        }
    }
}
