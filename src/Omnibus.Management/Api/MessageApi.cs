using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnibus.Core;
using Omnibus.Core.Engine;
using Omnibus.Core.Messages;
using Omnibus.Management.Security;

namespace Omnibus.Management.Api;

/// <summary>JSON message operations for the CLI: send, receive (and delete), peek, dead-letter resubmit.</summary>
internal static class MessageApi
{
    /// <summary>Upper bound on one receive or peek call, so one request cannot pull a whole large queue into memory.</summary>
    private const int MaxBatch = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/messages/send", async (Broker b, HttpContext http, SendRequest req) =>
            new SendResult(await b.SendAsync(req.Entity, req.Messages.Select(m => m.ToMessage()).ToList(), HttpCaller.Of(http)).ConfigureAwait(false)));

        api.MapPost("/messages/receive", async (Broker b, HttpContext http, ReceiveRequest req, CancellationToken ct) =>
        {
            Receivable r = AdminEntityPath.Parse(req.Entity).Find(b, HttpCaller.Of(http));
            int max = Math.Clamp(req.MaxMessages, 1, MaxBatch);
            TimeSpan wait = TimeSpan.FromSeconds(Math.Clamp(req.WaitSeconds, 0, 60));
            IReadOnlyList<BrokerMessage> got;
            try
            {
                got = await r.ReceiveAsync(max, wait, ReceiveMode.ReceiveAndDelete, ct).ConfigureAwait(false);
            }
            catch (MessagingException e) when (e.Code == MessagingErrorCode.InvalidOperation)
            {
                got = await ReceiveFromAnySessionAsync(r, max, wait, ct).ConfigureAwait(false);
            }
            return got.Select(MessageDto.From);
        });

        api.MapGet("/messages/peek", (Broker b, HttpContext http, string entity, int? max, long? from) =>
            AdminEntityPath.Parse(entity).Find(b, HttpCaller.Of(http)).Peek(from ?? 0, Math.Clamp(max ?? 10, 1, MaxBatch)).Select(MessageDto.From));

        api.MapPost("/dlq/resubmit", async (Broker b, HttpContext http, ResubmitRequest req) => await DeadLetterResubmit.RunAsync(b, req.Entity, req.MaxMessages, HttpCaller.Of(http)).ConfigureAwait(false));
    }

    /// <summary>A session entity is read through the session with the oldest message, as a session receiver would.</summary>
    private static async Task<IReadOnlyList<BrokerMessage>> ReceiveFromAnySessionAsync(Receivable r, int max, TimeSpan wait, CancellationToken ct)
    {
        SessionLock session;
        try
        {
            session = await r.AcceptSessionAsync(null, wait, ct).ConfigureAwait(false);
        }
        catch (MessagingException e) when (e.Code == MessagingErrorCode.Timeout)
        {
            return [];
        }
        try
        {
            return await r.ReceiveAsync(session, max, TimeSpan.Zero, ReceiveMode.ReceiveAndDelete, ct).ConfigureAwait(false);
        }
        finally
        {
            r.ReleaseSession(session);
        }
    }
}
