namespace Omnibus.Server.Hosting;

/// <summary>A reason the server cannot start, with the process exit code to report it with.</summary>
internal sealed class StartupException : Exception
{
    public StartupException(int exitCode, string message, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;

    public StartupException() : this(ExitCodes.Unexpected, "The server could not start.") { }

    public StartupException(string message) : this(ExitCodes.Unexpected, message) { }

    public StartupException(string message, Exception inner) : this(ExitCodes.Unexpected, message, inner) { }

    public int ExitCode { get; }
}

/// <summary>Process exit codes of <c>omnibus</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;

    /// <summary>A setting or the entities file is invalid.</summary>
    public const int BadConfiguration = 2;

    /// <summary>A listener port could not be bound (in use, no permission).</summary>
    public const int CannotListen = 3;

    /// <summary>The data directory could not be opened.</summary>
    public const int StorageFailed = 4;

    /// <summary>A CLI verb failed (server answered an error or could not be reached).</summary>
    public const int CommandFailed = 5;
}
