namespace Maestro.Cli.Tests;

/// <summary>Every test that talks to the platform shares one start of it.</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<MaestroPlatform>
{
    public const string Name = "platform";
}
