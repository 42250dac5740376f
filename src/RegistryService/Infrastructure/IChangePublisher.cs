using Maestro.Contracts;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Announces committed change-feed entries to whoever listens beyond <c>GET /api/v1/changes</c>.
/// Called after commit; must return at once and never throw: the change is already stored.
/// </summary>
internal interface IChangePublisher
{
    void Publish(IReadOnlyList<RegistryChange> changes);
}
