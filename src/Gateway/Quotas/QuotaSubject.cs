namespace Maestro.Gateway.Quotas;

/// <summary>Whose bucket a request draws on (<see cref="Partition"/>, the key id) and its limits.</summary>
internal sealed record QuotaSubject(string Partition, string Plan, QuotaLimit Limit);
