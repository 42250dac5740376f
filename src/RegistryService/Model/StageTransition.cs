namespace Maestro.RegistryService.Model;

/// <summary>One stage change of a version: from which stage to which, when (Unix ms) and by whom.</summary>
public sealed record StageTransition(string From, string To, long Timestamp, string Actor);
