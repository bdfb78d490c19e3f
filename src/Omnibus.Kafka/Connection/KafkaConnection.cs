using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Omnibus.Kafka.Protocol;
using Omnibus.Transport;
using Omnibus.Transport.Output;

namespace Omnibus.Kafka.Connection;

/// <summary>
/// One Kafka connection. Requests are read as they come (clients pipeline them), each handler is
/// started in arrival order, so that what it does before its first wait (an append, a group step)
/// happens in that order, and answers are written strictly in request order, as Kafka requires.
/// Bytes that are not a request close the connection, as Kafka does.
/// </summary>
internal sealed class KafkaConnection : IDisposable
{
    private readonly ConnectionContext _context;
    private readonly KafkaServices _services;
    private readonly BackPressuredWriter _writer;
    private readonly Channel<(RequestFrame Frame, Task<KafkaRequest?> Answer)> _answers;
    private readonly CancellationTokenSource _closed = new();
    private readonly KafkaClientInfo _client;
    private readonly Security.SaslAuthenticator _sasl;
    private bool _authenticated;

    public KafkaConnection(ConnectionContext context, KafkaServices services)
    {
        _context = context;
        _services = services;
        _writer = new BackPressuredWriter(context.Transport.Output, clock: services.Clock);
        _answers = Channel.CreateBounded<(RequestFrame, Task<KafkaRequest?>)>(new BoundedChannelOptions(services.Options.MaxInFlightPerConnection) { SingleReader = true, SingleWriter = true });
        _client = new KafkaClientInfo(context.ConnectionId, context.RemoteEndPoint?.ToString());
        _sasl = new Security.SaslAuthenticator(services.Users);
    }

    public async Task RunAsync()
    {
        if (!_services.Options.Sasl.Enabled)
        {
            // PLAINTEXT, as Kafka's default listener: nothing to authenticate.
            MarkAuthenticated();
        }
        _services.Connections[_context.ConnectionId] = _client;
        _ = _writer.RunFlushLoopAsync();
        Task answering = AnswerInOrderAsync();
        try
        {
            await ReadRequestsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away.
        }
        catch (KafkaProtocolException e)
        {
            Log.Closed(_services.Logger, _context.ConnectionId, e.Message);
        }
        finally
        {
            // Answers already made still go out; waiting long polls end now.
            _answers.Writer.TryComplete();
            await _closed.CancelAsync().ConfigureAwait(false);
            try
            {
                await answering.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
            _services.Connections.TryRemove(_context.ConnectionId, out _);
            await _writer.CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    private async Task ReadRequestsAsync()
    {
        PipeReader input = _context.Transport.Input;
        var frames = new List<RequestFrame>();
        while (true)
        {
            await _writer.WhenReadAllowedAsync().ConfigureAwait(false);
            ReadResult result = await input.ReadAsync(_closed.Token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            frames.Clear();
            KafkaProtocolException? error = null;
            var reader = new SequenceReader<byte>(buffer);
            try
            {
                while (RequestFrame.TryRead(ref reader, _services.Options.MaxRequestBytes, out RequestFrame? frame))
                {
                    frames.Add(frame!);
                }
            }
            catch (KafkaProtocolException e)
            {
                error = e;
            }
            input.AdvanceTo(reader.Position, buffer.End);
            foreach (RequestFrame frame in frames)
            {
                if (!Accepts(frame))
                {
                    return;
                }
                await _answers.Writer.WriteAsync((frame, Dispatch(frame)), _closed.Token).ConfigureAwait(false);
            }
            if (error is not null)
            {
                throw error;
            }
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    // Kafka closes a connection that sends an API or version it does not serve, except ApiVersions,
    // which is answered (UNSUPPORTED_VERSION in the v0 format) so the client can ask again.
    private bool Accepts(RequestFrame frame)
    {
        if (!_authenticated && !_sasl.IsAuthenticated && frame.ApiKey is not ((short)ApiKey.ApiVersions or (short)ApiKey.SaslHandshake or (short)ApiKey.SaslAuthenticate))
        {
            // A SASL listener serves nothing else before authentication, as Kafka's, which closes the connection.
            Log.Unauthenticated(_services.Logger, _context.ConnectionId, frame.ApiKey);
            return false;
        }
        if (frame.ApiKey == (short)ApiKey.ApiVersions || ApiVersionTable.IsSupported(frame.ApiKey, frame.ApiVersion))
        {
            return true;
        }
        Log.NotServed(_services.Logger, _context.ConnectionId, frame.ApiKey, frame.ApiVersion);
        return false;
    }

    private void MarkAuthenticated()
    {
        _authenticated = true;
        _context.Authentication().MarkAuthenticated();
    }

    private Task<KafkaRequest?> Dispatch(RequestFrame frame)
    {
        _client.ClientId ??= frame.ClientId;
        var request = new KafkaRequest(frame, _services, _client, _context.LocalEndPoint as IPEndPoint, _sasl, _closed.Token)
        {
            ResponseHeaderTags = ApiVersionTable.ResponseHeaderHasTags(frame.ApiKey, frame.ApiVersion),
        };
        try
        {
            // The SASL handlers finish synchronously, so a success is known before the next request is checked.
            Task<KafkaRequest?> answer = RequestDispatcher.HandleAsync(request);
            if (!_authenticated && _sasl.IsAuthenticated)
            {
                MarkAuthenticated();
            }
            return answer;
        }
        catch (Exception e)
        {
            return Task.FromException<KafkaRequest?>(e);
        }
    }

    private async Task AnswerInOrderAsync()
    {
        await foreach ((RequestFrame frame, Task<KafkaRequest?> answer) in _answers.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            KafkaRequest? done;
            try
            {
                done = await answer.ConfigureAwait(false);
            }
            catch (KafkaProtocolException e)
            {
                Log.Closed(_services.Logger, _context.ConnectionId, e.Message);
                Abort();
                return;
            }
            catch (OperationCanceledException) when (_closed.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The unexpected closes this connection only; the broker serves on.
                Log.RequestFailed(_services.Logger, e, frame.ApiKey, frame.ApiVersion, _context.ConnectionId);
                Abort();
                return;
            }
            if (done is null)
            {
                continue; // acks=0: no answer
            }
            lock (_writer.Gate)
            {
                if (_writer.IsClosedLocked)
                {
                    return;
                }
                int written = ResponseFrame.Write(_writer.OutputLocked, frame.CorrelationId, done.ResponseHeaderTags, done.Output.WrittenSpan);
                _writer.CommitLocked(written);
            }
            _writer.RequestFlush();
            if (done.CloseAfterAnswer)
            {
                // The answer goes out with the writer's close; reading stops now.
                await _closed.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    public void Dispose() => _closed.Dispose();

    private void Abort()
    {
        _closed.Cancel();
        _context.Abort(new ConnectionAbortedException("Kafka protocol error."));
    }
}
