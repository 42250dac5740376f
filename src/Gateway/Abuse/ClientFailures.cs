namespace Maestro.Gateway.Abuse;

/// <summary>
/// What this instance knows about client addresses with failed authentications: the count and when the
/// window ends — counted here (no Redis) or as Redis last answered. Bounded: past
/// <see cref="AuthFailureLimitOptions.MaxTrackedClients"/> ended windows go first, then the oldest.
/// </summary>
internal sealed class ClientFailures(int maxClients)
{
    private readonly Dictionary<string, (long Count, DateTimeOffset Until)> _clients = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>The client's count and window end, when its window has not ended.</summary>
    public (long Count, DateTimeOffset Until)? Find(string client, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _clients.TryGetValue(client, out var entry) && entry.Until > now ? entry : null;
        }
    }

    /// <summary>One more failure counted here: a new window of <paramref name="window"/> when the last one ended.</summary>
    public (long Count, DateTimeOffset Until) Add(string client, DateTimeOffset now, TimeSpan window)
    {
        lock (_lock)
        {
            var entry = _clients.TryGetValue(client, out var current) && current.Until > now ? (current.Count + 1, current.Until) : (1L, now + window);
            Set(client, entry, now);
            return entry;
        }
    }

    /// <summary>What the shared count (Redis) says about the client.</summary>
    public void Remember(string client, long count, DateTimeOffset until, DateTimeOffset now)
    {
        lock (_lock)
        {
            Set(client, (count, until), now);
        }
    }

    private void Set(string client, (long Count, DateTimeOffset Until) entry, DateTimeOffset now)
    {
        if (!_clients.ContainsKey(client) && _clients.Count >= maxClients)
        {
            foreach (var ended in _clients.Where(pair => pair.Value.Until <= now).Select(pair => pair.Key).ToArray())
            {
                _clients.Remove(ended);
            }

            if (_clients.Count >= maxClients)
            {
                _clients.Remove(_clients.MinBy(pair => pair.Value.Until).Key);
            }
        }

        _clients[client] = entry;
    }
}
