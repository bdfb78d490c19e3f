namespace Omnibus.Kafka.Security;

/// <summary>
/// SASL on the Kafka listener (Kafka's <c>SASL_PLAINTEXT</c>). With no mechanism enabled the listener is
/// PLAINTEXT, as Kafka's default one: nothing is authenticated. With any enabled, a connection must
/// authenticate (SaslHandshake, then SaslAuthenticate) before any request but ApiVersions.
/// </summary>
public sealed class KafkaSaslOptions
{
    /// <summary>The mechanism names Kafka clients ask for.</summary>
    public const string Plain = "PLAIN", ScramSha256 = "SCRAM-SHA-256", ScramSha512 = "SCRAM-SHA-512";

    /// <summary>Enabled mechanisms (<see cref="Plain"/>, <see cref="ScramSha256"/>, <see cref="ScramSha512"/>); empty: PLAINTEXT.</summary>
    public List<string> Mechanisms { get; } = [];

    /// <summary>User name → password. SCRAM credentials are derived from the password when the front-end starts.</summary>
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>PBKDF2 iterations of the SCRAM credentials (Kafka's minimum, and kafkajs's, is 4096).</summary>
    public int ScramIterations { get; set; } = 4096;

    public bool Enabled => Mechanisms.Count > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        foreach (string m in Mechanisms)
        {
            if (m is not (Plain or ScramSha256 or ScramSha512))
            {
                throw new ArgumentException($"Kafka.Sasl.Mechanisms: '{m}' is not served (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are).", nameof(Mechanisms));
            }
        }
        if (Enabled && Users.Count == 0)
        {
            throw new ArgumentException("Kafka.Sasl.Users must name at least one user when a SASL mechanism is enabled.", nameof(Users));
        }
        if (ScramIterations is < 4096 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(ScramIterations), ScramIterations, "Kafka.Sasl.ScramIterations must be from 4096 to 1,000,000.");
        }
    }
}
