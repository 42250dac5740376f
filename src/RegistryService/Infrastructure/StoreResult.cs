namespace Maestro.RegistryService.Infrastructure;

/// <summary>A store method's <see cref="Outcome"/> and, when it is <see cref="StoreOutcome.Done"/>, the record as it is now.</summary>
internal readonly record struct StoreResult<T>(StoreOutcome Outcome, T? Value)
    where T : class
{
    public bool IsDone => Outcome == StoreOutcome.Done;

    public static implicit operator StoreResult<T>(StoreOutcome outcome) => new(outcome, null);

    public static StoreResult<T> Done(T value) => new(StoreOutcome.Done, value);
}
