namespace Maestro.Deploy.Tests.Tools;

/// <summary>Where one environment variable's value comes from: a literal, a ConfigMap or a Secret's key.</summary>
internal sealed record EnvironmentSource(
    string? Value, string? ConfigMap = null, string? SecretName = null, string? SecretKey = null, bool Optional = false)
{
    public bool FromSecret => SecretName is not null;
}
