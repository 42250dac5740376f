using System.Text.Json.Nodes;
using Maestro.Deploy.Tests.Tools;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Containers;

/// <summary>
/// What each deploy/containers/*.Containerfile and each service's SDK container settings say, checked
/// against the repository: these hold without an engine. <see cref="ServiceImageTests"/> runs the images.
/// </summary>
public sealed class ContainerfileTests
{
    public static TheoryData<string> Services => new(DeployFiles.Services.Keys);

    [Theory]
    [MemberData(nameof(Services))]
    public void Containerfile_CopySources_ExistAndAreInTheBuildContext(string service)
    {
        var file = Containerfile.Load(DeployFiles.Containerfile(service));
        var context = BuildContext.Load(Path.Combine(TestPaths.RepositoryRoot, ".dockerignore"));
        var copies = file.Stages.SelectMany(s => s.All("COPY")).Where(c => c.Option("from") is null).ToArray();
        Assert.NotEmpty(copies);
        foreach (var source in copies.SelectMany(c => c.CopySources()))
        {
            var path = Path.Combine(TestPaths.RepositoryRoot, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{service}: COPY {source}: no such file in the repository");
            Assert.True(context.Includes(source), $"{service}: COPY {source}: .dockerignore leaves it out of the build context");
        }

        // The final stage takes the publish output of a build stage of the same file.
        var fromBuild = file.Final.All("COPY").Single(c => c.Option("from") is not null);
        Assert.Contains(file.Stages.SkipLast(1), stage => stage.Name == fromBuild.Option("from"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Containerfile_FinalStage_RunsAsNonRootUser(string service)
    {
        var final = Containerfile.Load(DeployFiles.Containerfile(service)).Final;
        var user = final.Last("USER")?.Arguments;
        Assert.NotNull(user);
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        // Nothing runs as root after the switch (a RUN after USER would run as the app user anyway, but
        // the switch must be the last word on who runs the entry point).
        var index = final.Instructions.ToList();
        Assert.True(index.IndexOf(final.Last("USER")!) > index.FindLastIndex(i => i.Keyword == "RUN"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Containerfile_ExposedPort_IsAspNetCoreHttpPorts(string service)
    {
        var final = Containerfile.Load(DeployFiles.Containerfile(service)).Final;
        var port = final.Environment()["ASPNETCORE_HTTP_PORTS"];
        Assert.Equal(port, final.Last("EXPOSE")!.Arguments.Split('/')[0]);
        Assert.Equal("8080", port);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Containerfile_Healthcheck_GetsAliveOnTheHttpPort(string service)
    {
        var healthcheck = Containerfile.Load(DeployFiles.Containerfile(service)).Final.Last("HEALTHCHECK");
        Assert.NotNull(healthcheck);
        var command = string.Join(' ', healthcheck.ExecForm("CMD"));
        Assert.Contains("GET /alive ", command);
        Assert.Contains("${ASPNETCORE_HTTP_PORTS", command);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Containerfile_Entrypoint_IsTheServicesAssemblyInItsBuildOutput(string service)
    {
        var file = Containerfile.Load(DeployFiles.Containerfile(service));
        var entrypoint = file.Final.Last("ENTRYPOINT")!.ExecForm();
        var assembly = $"Maestro.{DeployFiles.Services[service]}.dll";
        Assert.Equal(["dotnet", assembly], entrypoint);
        Assert.True(File.Exists(Path.Combine(DeployFiles.BuildOutput(DeployFiles.Services[service]), assembly)),
            $"{assembly} is not in {DeployFiles.BuildOutput(DeployFiles.Services[service])}");
        Assert.Contains(file.Stages[0].All("RUN"), run => run.Arguments.Contains($"dotnet publish src/{DeployFiles.Services[service]}/", StringComparison.Ordinal));
        Assert.Equal("/app", file.Final.Last("WORKDIR")!.Arguments);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Containerfile_BaseImages_DefaultToThePublicDotNetImages(string service)
    {
        var file = Containerfile.Load(DeployFiles.Containerfile(service));
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", file.GlobalArguments["SDK_IMAGE"]);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", file.GlobalArguments["RUNTIME_IMAGE"]);
        Assert.Equal("${SDK_IMAGE}", file.Stages[0].BaseImage);
        Assert.Equal("${RUNTIME_IMAGE}", file.Final.BaseImage);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task ProjectContainerSettings_MatchTheContainerfile(string service)
    {
        var project = DeployFiles.Services[service];
        var evaluated = await CommandLine.RunAsync("dotnet",
            [
                "msbuild", $"src/{project}/{project}.csproj", "-nologo",
                "-getProperty:ContainerRepository", "-getProperty:ContainerUser", "-getProperty:ContainerImageTag",
                "-getItem:ContainerPort", "-getItem:ContainerEnvironmentVariable",
            ],
            TimeSpan.FromMinutes(2));
        Assert.True(evaluated.Succeeded, evaluated.Describe());
        var json = JsonNode.Parse(evaluated.StandardOutput)!;
        var properties = json["Properties"]!;
        Assert.Equal($"maestro/{service}", properties["ContainerRepository"]!.ToString());
        Assert.Equal(DeployFiles.ImageTag, properties["ContainerImageTag"]!.ToString());
        Assert.NotEqual("latest", properties["ContainerImageTag"]!.ToString());
        var user = properties["ContainerUser"]!.ToString();
        Assert.True(int.TryParse(user, out var uid) && uid != 0, $"ContainerUser is {user}");

        var final = Containerfile.Load(DeployFiles.Containerfile(service)).Final;
        var environment = json["Items"]!["ContainerEnvironmentVariable"]!.AsArray()
            .ToDictionary(item => item!["Identity"]!.ToString(), item => item!["Value"]!.ToString());
        Assert.Equal(final.Environment(), environment);
        var port = Assert.Single(json["Items"]!["ContainerPort"]!.AsArray())!;
        Assert.Equal(environment["ASPNETCORE_HTTP_PORTS"], port["Identity"]!.ToString());
    }
}
