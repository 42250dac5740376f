using Maestro.Contracts;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>No Redis configured: the feed is only polled.</summary>
internal sealed class NoChangePublisher : IChangePublisher
{
    public static readonly NoChangePublisher Instance = new();

    public void Publish(IReadOnlyList<RegistryChange> changes)
    {
    }
}
