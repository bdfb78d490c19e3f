namespace Omnibus.Management;

/// <summary>How the HTTP management surfaces authenticate. Filled in by the host from its validated configuration.</summary>
public sealed class ManagementOptions
{
    /// <summary>When false, requests without valid credentials are served too (the emulator's behaviour).</summary>
    public bool RequireAuthorization { get; set; } = true;
}
