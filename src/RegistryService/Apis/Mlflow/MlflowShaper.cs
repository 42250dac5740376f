using System.Globalization;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>Turns registry records into MLflow's shapes for one request (its URIs use the caller's host).</summary>
internal sealed class MlflowShaper(VersionStore versions, string origin)
{
    /// <summary>MLflow's status of every version here: one is recorded only once its artifact is stored.</summary>
    public const string ReadyStatus = "READY";

    /// <summary>Minimal APIs bind a handler's <see cref="MlflowShaper"/> parameter through this.</summary>
    public static ValueTask<MlflowShaper> BindAsync(HttpContext context) =>
        ValueTask.FromResult(new MlflowShaper(context.RequestServices.GetRequiredService<VersionStore>(), MlflowRequest.OriginOf(context.Request)));

    /// <summary>Where the version's ONNX file downloads from: <c>GET /api/v1/models/{name}/versions/{version}/artifact</c>.</summary>
    public string DownloadUri(string name, int version) => ArtifactUris.Of(origin, name, version);

    public MlflowModelVersion Version(ModelVersion version)
    {
        var from = versions.GetOrigin(version.Name, version.Version);
        return new MlflowModelVersion(
            version.Name,
            VersionText(version.Version),
            version.CreationTimestamp,
            version.LastUpdatedTimestamp,
            from?.UserId,
            version.CurrentStage,
            version.Description,
            from?.Source ?? DownloadUri(version.Name, version.Version),
            from?.RunId,
            ReadyStatus,
            [.. version.Tags.Select(tag => new MlflowTag(tag.Key, tag.Value))],
            from?.RunLink,
            version.Aliases);
    }

    public MlflowRegisteredModel Model(RegisteredModel model) => new(
        model.Name,
        model.CreationTimestamp,
        model.LastUpdatedTimestamp,
        model.Description,
        [.. model.LatestVersions.Select(Version)],
        [.. model.Tags.Select(tag => new MlflowTag(tag.Key, tag.Value))],
        [.. model.Aliases.Select(alias => new MlflowAlias(alias.Key, VersionText(alias.Value)))]);

    private static string VersionText(int version) => version.ToString(CultureInfo.InvariantCulture);
}
