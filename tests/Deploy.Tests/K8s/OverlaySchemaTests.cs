using Maestro.Deploy.Tests.Tools;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.K8s;

/// <summary>
/// Every rendered object of every overlay against the Kubernetes API's JSON schemas, offline
/// (deploy/k8s/validate: kubernetes-models, which ./test.sh installs with npm): types, required
/// fields, formats. Unknown field names pass there; <see cref="OverlayRenderTests"/> reads the
/// fields Maestro relies on by name.
/// </summary>
public sealed class OverlaySchemaTests
{
    private static readonly string Validator = Path.Combine(DeployFiles.Deploy, "k8s", "validate");

    public static TheoryData<string> Overlays => new(Kustomize.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_EveryObjectMatchesItsApiSchema(string overlay)
    {
        Assert.True(Directory.Exists(Path.Combine(Validator, "node_modules", "kubernetes-models")),
            "deploy/k8s/validate has no node_modules: ./test.sh installs them (npm ci --prefix deploy/k8s/validate).");
        var rendered = await CommandLine.RunAsync("kubectl", ["kustomize", DeployFiles.Overlay(overlay)], TimeSpan.FromMinutes(1));
        Assert.True(rendered.Succeeded, rendered.Describe());

        var validated = await CommandLine.RunAsync("node", [Path.Combine(Validator, "validate.mjs")], TimeSpan.FromMinutes(1),
            standardInput: rendered.StandardOutput);
        Assert.True(validated.Succeeded, validated.Describe());
        var checkedObjects = validated.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(checkedObjects, line => Assert.StartsWith("ok ", line));
        Assert.Equal((await Kustomize.RenderAsync(overlay)).Count, checkedObjects.Length);
    }
}
