namespace Omnibus.Management;

/// <summary>How the HTTP management surfaces authenticate. Filled in by the host from its validated configuration.</summary>
public sealed class ManagementOptions
{
    /// <summary>SAS key names and keys accepted on the administration (ATOM) and <c>/api</c> endpoints.</summary>
    public Dictionary<string, string> SharedAccessKeys { get; } = new(StringComparer.Ordinal) { ["RootManageSharedAccessKey"] = "SAS_KEY_VALUE" };

    /// <summary>When false, requests without a valid signature are served too (the emulator's behaviour).</summary>
    public bool RequireAuthorization { get; set; } = true;
}
