namespace Omnibus.Core.Tests;

/// <summary>
/// The SIGKILL tests each drive a child broker at full speed for a fixed time; run side by side on
/// a small machine they starve each other and their children barely get going. One collection runs them one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection
{
    public const string Name = "SIGKILL crash tests";
}
