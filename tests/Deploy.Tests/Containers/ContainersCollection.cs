namespace Maestro.Deploy.Tests.Containers;

/// <summary>
/// The tests that build and run the images: one platform for all of them, one at a time (they share
/// two cores with the rest of the test run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainersCollection : ICollectionFixture<ContainerPlatform>
{
    public const string Name = "Containers";
}
