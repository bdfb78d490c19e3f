using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Management.Security;
using Omnibus.Storage;

namespace Omnibus.Management.Api;

/// <summary>
/// The quarantine on the JSON API: <c>GET /api/quarantine</c> lists the entities whose stored data
/// is damaged (and the transactions waiting for them); <c>POST /api/quarantine/recover</c> with
/// <c>{"name": "...", "mode": "skip-damaged" | "keep-verified"}</c> salvages one and opens it.
/// </summary>
internal static class QuarantineApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/quarantine", (Broker b) => new QuarantineList(
            [.. b.Quarantined.Select(q => new QuarantinedDto(q.Kind.ToString().ToLowerInvariant(), q.Name, q.Reason, q.FilePath))],
            [.. b.WaitingTransactions.Select(w => new WaitingDto(w.Id, w.WaitingFor))]));
        api.MapPost("/quarantine/recover", async (Broker b, HttpContext http, RecoverRequest body, ILoggerFactory logs) =>
        {
            QuarantineRecovery r = await b.RecoverQuarantinedAsync(body.Name ?? throw new ArgumentException("name is required."), ModeOf(body.Mode), HttpCaller.Of(http)).ConfigureAwait(false);
            ILogger logger = logs.CreateLogger("Omnibus.Management.Quarantine");
            Log.Recovered(logger, r.Describe());
            return RecoveryDto.From(r);
        });
    }

    private static SalvageMode ModeOf(string? mode) => mode switch
    {
        null or "" or "skip-damaged" => SalvageMode.SkipDamagedBatches,
        "keep-verified" => SalvageMode.KeepVerified,
        _ => throw new MessagingException(MessagingErrorCode.InvalidArgument, $"mode must be 'skip-damaged' (keep the records before and after the damage, dropping the damaged batch) or 'keep-verified' (every record whose checksum verifies), not '{mode}'."),
    };
}

internal static partial class Log
{
    [LoggerMessage(404, LogLevel.Warning, "Recovered from quarantine: {Outcome}")]
    public static partial void Recovered(ILogger logger, string outcome);
}

/// <summary>The body of <c>POST /api/quarantine/recover</c>.</summary>
public sealed record RecoverRequest(string? Name, string? Mode);

/// <summary>The quarantined entities and the transactions waiting for them.</summary>
public sealed record QuarantineList(IReadOnlyList<QuarantinedDto> Entities, IReadOnlyList<WaitingDto> WaitingTransactions);

/// <summary>One quarantined entity.</summary>
public sealed record QuarantinedDto(string Kind, string Name, string Reason, string? File);

/// <summary>A committed transaction waiting for quarantined entities.</summary>
public sealed record WaitingDto(Guid Id, IReadOnlyList<string> WaitingFor);

/// <summary>A sequence range [From, To) that salvage emptied.</summary>
public sealed record RangeDto(long From, long To);

/// <summary>What salvage did to one log.</summary>
public sealed record SalvagedLogDto(string Directory, bool Changed, long RecordsKept, long RecordsLost, long RecordsDropped,
    IReadOnlyList<RangeDto> EmptiedRanges, IReadOnlyList<string> Findings, string? OriginalMovedTo);

/// <summary>The answer of <c>POST /api/quarantine/recover</c>.</summary>
public sealed record RecoveryDto(string Kind, string Name, bool Opened, string? Reason, long RecordsKept, long RecordsLost, long RecordsDropped,
    int TransactionsApplied, string Summary, IReadOnlyList<SalvagedLogDto> Logs)
{
    public static RecoveryDto From(QuarantineRecovery r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Kind.ToString().ToLowerInvariant(), r.Name, r.Opened, r.Reason, r.RecordsKept, r.RecordsLost, r.RecordsDropped, r.TransactionsApplied, r.Describe(),
            [.. r.Logs.Select(l => new SalvagedLogDto(l.Directory, l.Changed, l.RecordsKept, l.RecordsLost, l.RecordsDropped,
                [.. l.EmptiedRanges.Select(x => new RangeDto(x.From, x.To))], l.Findings, l.OriginalMovedTo))]);
    }
}
