// Over 300 lines: one lock-guarded queue whose invariants (windows, idle runs, cancellation, the queue bound) must be read together.
namespace Maestro.InferenceWorker.Batching;

/// <summary>
/// Merges concurrent requests for one loaded model version into one run. The first request of a
/// group (same <c>signature</c>: same non-batch dimensions and datatypes) opens a window of at most
/// <see cref="BatchSettings.MaxQueueDelay"/>; requests arriving within it join, up to
/// <see cref="BatchSettings.MaxBatchSize"/> rows, then the group runs on the thread pool and each
/// caller gets exactly its own rows of the results. At most <see cref="BatchSettings.MaxQueueLength"/>
/// rows wait; beyond that <see cref="SubmitAsync"/> fails fast with <see cref="BatchQueueFullException"/>.
/// A request cancelled while it waits leaves its group; once its group runs, it gets its answer.
/// With <see cref="BatchSettings.RunWhenIdle"/>, a request that finds nothing queued or running runs at
/// once — a lone request is never held for the window — and the groups that formed while runs were in
/// flight run as soon as the last of those runs ends (or their window elapses, whichever is first).
/// </summary>
/// <remarks>
/// The batcher does not keep the model's session alive: every caller holds its own lease on the model
/// until its task completes, so a retired model is disposed only after its queue has drained.
/// </remarks>
internal sealed class ModelBatcher<TRow, TResult>
{
    private readonly Func<IReadOnlyList<TRow>, TResult[]> _run;
    private readonly TimeProvider _time;
    private readonly Action<int>? _ran;
    private readonly Action<TimeSpan>? _waited;
    private readonly Dictionary<string, Group> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _queuedRows;
    private int _running;
    private long _idleRuns;

    /// <param name="run">Runs the model on rows from several requests; returns one result per row, in order.</param>
    /// <param name="ran">Told the number of rows of every run (the batch size).</param>
    /// <param name="waited">Told how long each request waited before its run started.</param>
    public ModelBatcher(
        BatchSettings settings, TimeProvider time, Func<IReadOnlyList<TRow>, TResult[]> run, Action<int>? ran = null, Action<TimeSpan>? waited = null)
    {
        Settings = settings;
        _time = time;
        _run = run;
        _ran = ran;
        _waited = waited;
    }

    public BatchSettings Settings { get; }

    /// <summary>How many requests found the model idle and ran at once, without a window.</summary>
    public long IdleRuns => Interlocked.Read(ref _idleRuns);

    /// <summary>The rows waiting for their run to start.</summary>
    public int QueuedRows
    {
        get
        {
            lock (_gate)
            {
                return _queuedRows;
            }
        }
    }

    /// <summary>
    /// The results for <paramref name="rows"/>, computed in one run with other requests of the same
    /// <paramref name="signature"/>. The request joins the queue before this method returns.
    /// </summary>
    public async Task<TResult[]> SubmitAsync(string signature, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (rows.Count == 0)
        {
            return [];
        }

        if (rows.Count >= Settings.MaxBatchSize)
        {
            // Nothing could join it: run it alone, without queueing.
            lock (_gate)
            {
                _running++;
            }

            try
            {
                _ran?.Invoke(rows.Count);
                return _run(rows);
            }
            finally
            {
                RunEnded();
            }
        }

        var pending = Enqueue(signature, rows);
        using (cancellationToken.Register(static state => ((Cancellation)state!).Cancel(), new Cancellation(this, pending, cancellationToken)))
        {
            return await pending.Completion.Task.ConfigureAwait(false);
        }
    }

    private Pending Enqueue(string signature, IReadOnlyList<TRow> rows)
    {
        var pending = new Pending(rows, _time.GetTimestamp());
        Group? closed = null;
        Group? full = null;
        lock (_gate)
        {
            if (_queuedRows + rows.Count > Settings.MaxQueueLength)
            {
                throw new BatchQueueFullException(
                    $"{_queuedRows} rows are already waiting for this model (at most {Settings.MaxQueueLength}); retry shortly.");
            }

            if (_open.TryGetValue(signature, out var group) && group.Rows + rows.Count > Settings.MaxBatchSize)
            {
                closed = Close(group);
                group = null;
            }

            var idle = false;
            if (group is null)
            {
                idle = Settings.RunWhenIdle && _running == 0 && _open.Count == 0;
                group = new Group(signature);
                _open.Add(signature, group);
                if (idle)
                {
                    _idleRuns++;
                }
                else if (Settings.MaxQueueDelay > TimeSpan.Zero)
                {
                    group.Timer = _time.CreateTimer(
                        static state => ((WindowElapsed)state!).Fire(), new WindowElapsed(this, group), Settings.MaxQueueDelay, Timeout.InfiniteTimeSpan);
                }
            }

            pending.Group = group;
            group.Items.Add(pending);
            group.Rows += rows.Count;
            _queuedRows += rows.Count;
            if (idle || group.Rows >= Settings.MaxBatchSize || group.Timer is null)
            {
                full = Close(group);
            }
        }

        Dispatch(closed);
        Dispatch(full);
        return pending;
    }

    /// <summary>Takes the group out of the queue (under the lock); it no longer takes requests, and counts as running.</summary>
    private Group Close(Group group)
    {
        group.Closed = true;
        group.Timer?.Dispose();
        _open.Remove(group.Signature);
        _queuedRows -= group.Rows;
        if (group.Items.Count > 0)
        {
            _running++;
        }

        return group;
    }

    /// <summary>A run ended; when none is left in flight, the groups that waited for it run now.</summary>
    private void RunEnded()
    {
        List<Group>? waiting = null;
        lock (_gate)
        {
            _running--;
            if (Settings.RunWhenIdle && _running == 0 && _open.Count > 0)
            {
                waiting = [];
                foreach (var group in _open.Values.ToArray())
                {
                    waiting.Add(Close(group));
                }
            }
        }

        foreach (var group in waiting ?? [])
        {
            Dispatch(group);
        }
    }

    private void OnWindowElapsed(Group group)
    {
        lock (_gate)
        {
            if (group.Closed)
            {
                return;
            }

            Close(group);
        }

        Dispatch(group);
    }

    private void Cancel(Pending pending, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (pending.Group is { Closed: false } group && group.Items.Remove(pending))
            {
                group.Rows -= pending.Rows.Count;
                _queuedRows -= pending.Rows.Count;
                if (group.Items.Count == 0)
                {
                    Close(group); // empty: never dispatched, not counted as running
                }
            }
        }

        if (Interlocked.CompareExchange(ref pending.State, Pending.Cancelled, Pending.Queued) == Pending.Queued)
        {
            pending.Completion.TrySetCanceled(cancellationToken);
        }
    }

    private void Dispatch(Group? group)
    {
        if (group is not null && group.Items.Count > 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.batcher.Execute(state.group), (batcher: this, group), preferLocal: false);
        }
    }

    private void Execute(Group group)
    {
        try
        {
            Run(group);
        }
        finally
        {
            RunEnded();
        }
    }

    private void Run(Group group)
    {
        var taken = new List<Pending>(group.Items.Count);
        var rows = new List<TRow>(group.Rows);
        var now = _time.GetTimestamp();
        foreach (var pending in group.Items)
        {
            if (Interlocked.CompareExchange(ref pending.State, Pending.Taken, Pending.Queued) == Pending.Queued)
            {
                taken.Add(pending);
                rows.AddRange(pending.Rows);
                _waited?.Invoke(_time.GetElapsedTime(pending.EnqueuedAt, now));
            }
        }

        if (taken.Count == 0)
        {
            return;
        }

        try
        {
            _ran?.Invoke(rows.Count);
            var results = _run(rows);
            if (results.Length != rows.Count)
            {
                throw new InvalidOperationException($"A batch of {rows.Count} rows gave {results.Length} results.");
            }

            var offset = 0;
            foreach (var pending in taken)
            {
                pending.Completion.TrySetResult(results.AsSpan(offset, pending.Rows.Count).ToArray());
                offset += pending.Rows.Count;
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in taken)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    /// <summary>Requests of one signature waiting to run together.</summary>
    private sealed class Group(string signature)
    {
        public readonly string Signature = signature;
        public readonly List<Pending> Items = [];
        public int Rows;
        public bool Closed;
        public ITimer? Timer;
    }

    /// <summary>One request in the queue.</summary>
    private sealed class Pending(IReadOnlyList<TRow> rows, long enqueuedAt)
    {
        public const int Queued = 0;
        public const int Taken = 1;
        public const int Cancelled = 2;

        public readonly IReadOnlyList<TRow> Rows = rows;
        public readonly long EnqueuedAt = enqueuedAt;
        public readonly TaskCompletionSource<TResult[]> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int State = Queued;
        public Group? Group;
    }

    private sealed class WindowElapsed(ModelBatcher<TRow, TResult> batcher, Group group)
    {
        public void Fire() => batcher.OnWindowElapsed(group);
    }

    private sealed class Cancellation(ModelBatcher<TRow, TResult> batcher, Pending pending, CancellationToken cancellationToken)
    {
        public void Cancel() => batcher.Cancel(pending, cancellationToken);
    }
}
