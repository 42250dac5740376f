namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// What a store method did, or why it did nothing: every change (and every lookup that can miss for
/// more than one reason) says so instead of answering <c>null</c>. Anything but <see cref="Done"/>
/// changed nothing.
/// </summary>
internal enum StoreOutcome
{
    Done,
    ModelNotFound,
    VersionNotFound,
    AliasNotFound,
    TagNotFound,

    /// <summary>Another model has the name asked for.</summary>
    NameTaken,

    /// <summary>The model changed since the revision the caller read (<c>If-Match</c>).</summary>
    Stale,

    /// <summary>The version is in Production and the caller did not force the change.</summary>
    InProduction,
}
