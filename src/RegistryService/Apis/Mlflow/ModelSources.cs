using System.Globalization;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>
/// The <c>source</c> of <c>model-versions/create</c>. Maestro stores and validates ONNX files itself and
/// fetches nothing from elsewhere, so a source must name a version already in this registry, whose
/// artifact the new version then shares:
/// <list type="bullet">
/// <item><c>models:/&lt;name&gt;/&lt;version&gt;</c>, <c>models:/&lt;name&gt;/&lt;stage&gt;</c> (newest in that stage), <c>models:/&lt;name&gt;/latest</c>, <c>models:/&lt;name&gt;@&lt;alias&gt;</c>;</item>
/// <item>a download URI this registry handed out (<see cref="ArtifactUris"/>).</item>
/// </list>
/// Anything else — <c>runs:/</c>, <c>s3://</c>, a local path — is <c>INVALID_PARAMETER_VALUE</c> saying how to upload the file instead.
/// </summary>
internal static class ModelSources
{
    private const string ModelsScheme = "models:/";

    public static ModelVersion Resolve(string source, ModelStore models, VersionStore versions, LabelStore labels, string origin)
    {
        if (source.StartsWith(ModelsScheme, StringComparison.OrdinalIgnoreCase))
        {
            return FromModelsUri(source, source[ModelsScheme.Length..], models, versions, labels);
        }

        if (ArtifactUris.TryParse(source, origin, out var name, out var version))
        {
            return versions.Get(name, version) ?? throw NamesNothing(source);
        }

        throw new MlflowParameterException(
            $"Maestro cannot fetch the model at source '{source}': it stores ONNX files itself and reads no run or remote artifacts. " +
            "Upload the file with POST /api/v1/models/{name}/versions (multipart field 'file'), or pass a source naming a version already in Maestro: " +
            "'models:/<name>/<version>', 'models:/<name>/<stage>', 'models:/<name>@<alias>', or an artifact_uri from model-versions/get-download-uri.");
    }

    private static ModelVersion FromModelsUri(string source, string path, ModelStore models, VersionStore versions, LabelStore labels)
    {
        var at = path.IndexOf('@', StringComparison.Ordinal);
        if (at > 0 && !path.Contains('/', StringComparison.Ordinal))
        {
            return labels.GetAlias(path[..at], path[(at + 1)..]).Value ?? throw NamesNothing(source);
        }

        var parts = path.Split('/');
        if (parts is not [{ Length: > 0 } name, { Length: > 0 } reference])
        {
            throw new MlflowParameterException(
                $"Source '{source}' is not a models:/ URI: use 'models:/<name>/<version>', 'models:/<name>/<stage>', 'models:/<name>/latest' or 'models:/<name>@<alias>'.");
        }

        if (int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return versions.Get(name, version) ?? throw NamesNothing(source);
        }

        if (reference.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return versions.List(name)?.FirstOrDefault() ?? throw NamesNothing(source);
        }

        if (ModelStages.TryParse(reference, out var stage))
        {
            return models.Get(name)?.LatestVersions.FirstOrDefault(v => v.CurrentStage == stage.ToString()) ?? throw NamesNothing(source);
        }

        throw new MlflowParameterException(
            $"Source '{source}' ends in '{reference}', which is neither a version number, 'latest', nor a stage ({string.Join(", ", ModelStages.Names)}).");
    }

    private static MlflowParameterException NamesNothing(string source) =>
        new($"Source '{source}' names no model version in this registry.");
}
