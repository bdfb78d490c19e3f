using Omnibus.Storage.Io;

namespace Omnibus.Storage;

/// <summary>
/// Commit windows shared by every log of a <see cref="LogWriterPool"/> (durability <c>always</c>).
/// A writer pass writes its batch and registers the log's <see cref="FlushTicket"/> here instead of
/// flushing. This thread takes everything registered as one window and, per file system: if one
/// file is dirty, fdatasyncs it; if several are, issues one syncfs, which makes every file of the
/// file system durable at once. Then it completes the tickets and asks each log's writer thread
/// for the pass that publishes the records and completes their appends. Batches registered while a
/// window flushes form the next window, so the number of flushes a second does not grow with the
/// number of logs written. When nothing else is being flushed, a writer pass runs its own batch as
/// a window on its own thread (see <see cref="Enter"/>). Windows never overlap. Lock order: nothing is taken while holding this flusher's lock; the
/// flusher takes a ticket's gate and then (after leaving it) a writer thread's queue lock.
/// </summary>
internal sealed class SharedFlusher
{
    private readonly object _lock = new();
    private readonly Dictionary<ulong, FlushDomain> _domains = [];
    private List<FlushTicket> _registered = [];
    private List<FlushTicket> _window = [];
    private Thread? _thread;
    private bool _stopping;
    private bool _windowRunning;   // a window is flushing, on the flusher thread or inline on a writer
    private int _lastWindowFiles;  // files the last window flushed
    private long _flushCount;
    private long _windowCount;

    /// <summary>Flush system calls made (fdatasync or syncfs), for benchmarks and metrics.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>Commit windows run.</summary>
    public long WindowCount => Interlocked.Read(ref _windowCount);

    /// <summary>Tickets registered for the next window (for tests).</summary>
    public int RegisteredCount
    {
        get
        {
            lock (_lock)
            {
                return _registered.Count;
            }
        }
    }

    /// <summary>For tests: false sends every ticket to the flusher thread (see <see cref="Enter"/>).</summary>
    public bool InlineWindows { get; set; } = true;

    /// <summary>For tests: called before a window's flush; an exception it returns fails the window.</summary>
    public Func<Exception?>? FaultInjection { get; set; }

    /// <summary>
    /// Joins a log in <paramref name="directory"/> to its file system's domain, or null when the
    /// file system cannot be told or opened (the log then flushes its own files).
    /// </summary>
    public FlushDomain? Attach(string directory)
    {
        if (FileSync.DeviceOf(directory) is not ulong device)
        {
            return null;
        }
        lock (_lock)
        {
            if (!_domains.TryGetValue(device, out FlushDomain? domain))
            {
                int fd = FileSync.OpenForSync(directory);
                if (fd < 0)
                {
                    return null;
                }
                domain = new FlushDomain(device, fd);
                _domains.Add(device, domain);
            }
            domain.Logs++;
            return domain;
        }
    }

    /// <summary>
    /// A closed log leaves its domain (it has no batch in a window any more); the last one closes
    /// the domain's descriptor, so a file system nobody writes is not held open.
    /// </summary>
    public void Detach(FlushDomain domain)
    {
        lock (_lock)
        {
            if (--domain.Logs > 0)
            {
                return;
            }
            _domains.Remove(domain.Device);
        }
        FileSync.CloseDescriptor(domain.Descriptor);
    }

    /// <summary>
    /// Enters an armed ticket. <see cref="FlushRoute.Registered"/>: it goes with the next window of
    /// the flusher thread, which completes it and asks the log's writer thread for a pass.
    /// <see cref="FlushRoute.Inline"/>: no window is running or waiting and the last one flushed a
    /// single file, so the caller's own batch is the window: it calls <see cref="RunInline"/> on its
    /// thread, sparing one entity written alone the two thread hand-offs of the flusher.
    /// <see cref="FlushRoute.Refused"/>: the flusher has stopped.
    /// </summary>
    public FlushRoute Enter(FlushTicket ticket)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return FlushRoute.Refused;
            }
            if (InlineWindows && !_windowRunning && _registered.Count == 0 && _lastWindowFiles <= 1)
            {
                _windowRunning = true;
                return FlushRoute.Inline;
            }
            _registered.Add(ticket);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "omnibus-log-flusher" };
                _thread.Start();
            }
            else if (_registered.Count == 1)
            {
                Monitor.Pulse(_lock);
            }
            return FlushRoute.Registered;
        }
    }

    /// <summary>After <see cref="FlushRoute.Inline"/>: flushes the ticket's one file on the caller's thread and completes the ticket.</summary>
    public void RunInline(FlushTicket ticket)
    {
        Interlocked.Increment(ref _windowCount);
        try
        {
            FlushAndComplete(ticket.Domain, [ticket], notifyLogs: false);
        }
        finally
        {
            EndWindow(1);
        }
    }

    /// <summary>Runs the windows already registered, then stops; later tickets are refused.</summary>
    public void Stop()
    {
        Thread? thread;
        lock (_lock)
        {
            _stopping = true;
            thread = _thread;
            Monitor.Pulse(_lock);
        }
        thread?.Join();
    }

    private void EndWindow(int files)
    {
        lock (_lock)
        {
            _windowRunning = false;
            _lastWindowFiles = files;
            if (_registered.Count > 0)
            {
                Monitor.Pulse(_lock); // tickets registered while an inline window ran
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            List<FlushTicket> window;
            lock (_lock)
            {
                while (_registered.Count == 0 || _windowRunning)
                {
                    if (_stopping && _registered.Count == 0)
                    {
                        return;
                    }
                    Monitor.Wait(_lock);
                }
                window = _registered;
                _registered = _window;
                _window = window;
                _windowRunning = true;
            }
            RunWindow(window);
            EndWindow(window.Count);
            window.Clear();
        }
    }

    private void RunWindow(List<FlushTicket> window)
    {
        Interlocked.Increment(ref _windowCount);
        FlushDomain first = window[0].Domain;
        if (window.TrueForAll(t => ReferenceEquals(t.Domain, first)))
        {
            FlushAndComplete(first, window, notifyLogs: true);
            return;
        }
        foreach (IGrouping<FlushDomain, FlushTicket> group in window.GroupBy(t => t.Domain))
        {
            FlushAndComplete(group.Key, group.ToList(), notifyLogs: true);
        }
    }

    private void FlushAndComplete(FlushDomain domain, List<FlushTicket> tickets, bool notifyLogs)
    {
        Exception? failure = null;
        try
        {
            if (FaultInjection?.Invoke() is Exception injected)
            {
                throw injected;
            }
            Flush(domain, tickets);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            failure = ex;
            domain.RecordFailure(ex);
            DrainFileSystemError(domain);
        }
        long generation = domain.FailureGeneration;
        foreach (FlushTicket ticket in tickets)
        {
            // A batch written before an earlier window of this file system failed may have lost
            // pages in that write-back, which a later flush no longer reports: it fails as well.
            Exception? outcome = failure ?? (ticket.Generation != generation ? domain.LastFailure : null);
            ticket.Complete(outcome);
            if (notifyLogs)
            {
                ticket.Log.SharedFlushEnded(); // after Complete: the pass it asks for must see the outcome
            }
        }
    }

    private void Flush(FlushDomain domain, List<FlushTicket> tickets)
    {
        if (tickets.Count > 1 && domain.CanSyncFileSystem)
        {
            if (FileSync.SyncFileSystem(domain.Descriptor))
            {
                Interlocked.Increment(ref _flushCount);
                return;
            }
            domain.CanSyncFileSystem = false; // no syncfs here: flush this window file by file, later ones in their logs
        }
        foreach (FlushTicket ticket in tickets)
        {
            // fdatasync flushes the file, not the descriptor: a handle the cache closed and reopens
            // here still makes everything written through the closed one durable.
            using (HandleLease file = ticket.Segment!.UseHandle())
            {
                FileSync.DataSync(file.Handle);
            }
            Interlocked.Increment(ref _flushCount);
        }
    }

    /// <summary>
    /// After a failed flush, reports the file system's write-back error to the domain's descriptor
    /// once, so the next window's syncfs reports only errors that are new (the logs the failure
    /// concerns have already failed through the generation).
    /// </summary>
    private static void DrainFileSystemError(FlushDomain domain)
    {
        if (domain.Descriptor < 0)
        {
            return;
        }
        try
        {
            _ = FileSync.SyncFileSystem(domain.Descriptor);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Where <see cref="SharedFlusher.Enter"/> sent a ticket.</summary>
internal enum FlushRoute
{
    Registered,
    Inline,
    Refused,
}
