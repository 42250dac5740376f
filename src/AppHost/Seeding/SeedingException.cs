namespace Maestro.AppHost.Seeding;

/// <summary>The gateway refused a step of seeding the demo model.</summary>
internal sealed class SeedingException(string message) : Exception(message);
