using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.RegistryService.ModelCards;
using Maestro.RegistryService.Tests.ModelCards;
using Maestro.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>/api/v1/model-cards</c>: the card as JSON and Markdown, editing sections, validation and the PDF.</summary>
public abstract class ModelCardsApiTests(RegistryFactory factory)
{
    private static readonly string[] RequiredSections = ["intended_use", "limitations", "ethical_considerations", "training_data", "evaluation"];

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task GetCard_UploadedVersion_HasRegistryData()
    {
        var name = RegistryClient.UniqueName("card-data");
        using (var created = await _client.PostModelAsync(new
        {
            name,
            description = "Scores card payments for fraud.",
            tags = new Dictionary<string, string> { ["team"] = "payments" },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var bytes = RegistryClient.SampleBytes(RegistryClient.FraudDetector);
        using (var upload = await _client.UploadAsync(name, bytes, description: "Retrained on Q1."))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        await _client.TransitionAsync(name, 1, "Staging");

        var card = await GetCardAsync(name, 1);

        Assert.Equal(name, card.GetProperty("name").GetString());
        Assert.Equal(1, card.GetProperty("version").GetInt32());
        Assert.Equal("Scores card payments for fraud.", card.GetProperty("model_description").GetString());
        Assert.Equal("Retrained on Q1.", card.GetProperty("description").GetString());
        Assert.Equal("payments", card.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("Staging", card.GetProperty("current_stage").GetString());
        Assert.Equal(RegistryClient.Sha256Hex(bytes), card.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, card.GetProperty("size_bytes").GetInt64());
        Assert.Equal("maestro-samples", card.GetProperty("producer").GetString());
        Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), card.GetProperty("creation_timestamp").GetInt64());
        Assert.True(card.TryGetProperty("last_updated_timestamp", out _));
        var input = Assert.Single(card.GetProperty("signature").GetProperty("inputs").EnumerateArray());
        Assert.Equal("features", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Single(card.GetProperty("signature").GetProperty("outputs").EnumerateArray());
        Assert.Empty(card.GetProperty("sections").EnumerateObject());
    }

    [Fact]
    public async Task PutCard_Sections_GetReturnsThemAsStored()
    {
        var name = await CreateVersionAsync("card-put");
        var sections = new Dictionary<string, object>
        {
            ["intended_use"] = new { primary_uses = new[] { "Flag payments for review" }, out_of_scope = "Automatic declines" },
            ["limitations"] = "EU merchants only.",
        };

        using var put = await _client.PutAsJsonAsync(CardPath(name, 1), sections);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var returned = await put.ReadJsonAsync();
        var stored = (await GetCardAsync(name, 1)).GetProperty("sections");

        Assert.True(JsonElement.DeepEquals(returned.GetProperty("sections"), stored));
        Assert.True(JsonElement.DeepEquals(JsonSerializer.SerializeToElement(sections["intended_use"]), stored.GetProperty("intended_use")));
        Assert.Equal("EU merchants only.", stored.GetProperty("limitations").GetString());
    }

    [Fact]
    public async Task PutCard_SecondPut_ReplacesNamedSectionsAndKeepsOthers()
    {
        var name = await CreateVersionAsync("card-replace");
        await PutSectionsAsync(name, new Dictionary<string, object?> { ["limitations"] = "first", ["evaluation"] = new { auc = 0.9 } });

        await PutSectionsAsync(name, new Dictionary<string, object?> { ["limitations"] = "second", ["evaluation"] = null });

        var sections = (await GetCardAsync(name, 1)).GetProperty("sections");
        Assert.Equal("second", sections.GetProperty("limitations").GetString());
        Assert.False(sections.TryGetProperty("evaluation", out _));
    }

    [Fact]
    public async Task PutCard_UnknownSection_Returns400ListingValidSectionsAndStoresNothing()
    {
        var name = await CreateVersionAsync("card-unknown");

        using var response = await _client.PutAsJsonAsync(CardPath(name, 1),
            new Dictionary<string, object> { ["limitations"] = "kept out", ["purpose"] = "fraud" });

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'purpose'", detail);
        Assert.All(RequiredSections, section => Assert.Contains(section, detail));
        Assert.Empty((await GetCardAsync(name, 1)).GetProperty("sections").EnumerateObject());
    }

    [Fact]
    public async Task PutCard_SectionOver64KB_Returns400()
    {
        var name = await CreateVersionAsync("card-large");

        using var response = await _client.PutAsJsonAsync(CardPath(name, 1),
            new Dictionary<string, object> { ["training_data"] = new string('x', 70 * 1024) });

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("training_data", detail);
        Assert.Contains("64 KB", detail);
    }

    [Fact]
    public async Task GetCard_Markdown_HasHeadingsModelNameAndSections()
    {
        var name = await CreateVersionAsync("card-md");
        await PutSectionsAsync(name, new Dictionary<string, object?>
        {
            ["limitations"] = "Not calibrated outside the EU.",
            ["evaluation"] = new { metrics = new { roc_auc = 0.94 } },
        });

        using var response = await _client.GetAsync($"{CardPath(name, 1)}?format=markdown");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var markdown = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($"# Model card: {name} v1", markdown);
        foreach (var heading in new[] { "## Details", "## Signature", "## Intended use", "## Limitations", "## Ethical considerations", "## Training data", "## Evaluation" })
        {
            Assert.Contains($"\n{heading}\n", markdown);
        }

        Assert.Contains("Not calibrated outside the EU.", markdown);
        Assert.Contains("**Roc auc**: 0.94", markdown);
        Assert.Contains("| features | FP32 | [-1, 3] |", markdown);
    }

    [Fact]
    public async Task Card_StageChanges_HistoryInJsonMarkdownAndPdfWithWhenAndWho()
    {
        using var bob = factory.CreateClient();
        bob.DefaultRequestHeaders.Add("X-Maestro-Caller", "key-bob");
        var name = await CreateVersionAsync("card-history");
        (await bob.TransitionAsync(name, 1, "Staging")).Dispose();
        (await bob.TransitionAsync(name, 1, "Production")).Dispose();
        await _client.UploadSampleAsync(name);
        (await _client.TransitionAsync(name, 2, "Production", archiveExistingVersions: true)).Dispose();

        var history = (await GetCardAsync(name, 1)).GetProperty("stage_history").EnumerateArray().ToArray();
        using var markdownResponse = await _client.GetAsync($"{CardPath(name, 1)}?format=markdown");
        var markdown = await markdownResponse.Content.ReadAsStringAsync();
        var pdf = PdfText.Extract(await GenerateAsync(name));

        Assert.Equal(
            [("None", "Staging", "key-bob"), ("Staging", "Production", "key-bob"), ("Production", "Archived", "anonymous")],
            history.Select(t => (t.GetProperty("from").GetString(), t.GetProperty("to").GetString(), t.GetProperty("actor").GetString())).ToArray());
        var now = factory.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.All(history, t => Assert.Equal(now, t.GetProperty("timestamp").GetInt64()));
        var when = ModelCardFacts.Timestamp(now);
        Assert.Contains("\n## Stage history\n", markdown);
        Assert.Contains($"| {when} | None | Staging | key-bob |", markdown);
        Assert.Contains($"| {when} | Production | Archived | anonymous |", markdown);
        Assert.Contains("Stage history", pdf);
        Assert.Contains("key-bob", pdf);
        Assert.Contains("Archived", pdf);
    }

    [Fact]
    public async Task Card_ModelDeletedAndCreatedAgain_HistoryOfTheEarlierModelLeftOut()
    {
        var name = await CreateVersionAsync("card-history-reused");
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        (await _client.DeleteAsync($"/api/v1/models/{name}")).Dispose();
        (await _client.PostModelAsync(new { name })).Dispose();
        await _client.UploadSampleAsync(name);

        var card = await GetCardAsync(name, 1);

        Assert.Empty(card.GetProperty("stage_history").EnumerateArray());
        using var markdown = await _client.GetAsync($"{CardPath(name, 1)}?format=markdown");
        Assert.Contains("_No stage changes yet._", await markdown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetCard_UnknownFormat_Returns400NamingTheFormats()
    {
        var name = await CreateVersionAsync("card-format");

        using var response = await _client.GetAsync($"{CardPath(name, 1)}?format=pdf");

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("json", detail);
        Assert.Contains("markdown", detail);
    }

    [Fact]
    public async Task Validate_EmptyCard_ListsEveryRequiredSection()
    {
        var name = await CreateVersionAsync("card-validate-empty");

        var validation = await ValidateAsync(name);

        Assert.False(validation.GetProperty("valid").GetBoolean());
        Assert.Equal(RequiredSections, MissingSections(validation));
    }

    [Fact]
    public async Task Validate_PartialThenFullCard_ListsExactlyTheMissingThenNone()
    {
        var name = await CreateVersionAsync("card-validate");
        await PutSectionsAsync(name, new Dictionary<string, object?> { ["intended_use"] = "Review queue ranking.", ["evaluation"] = new { auc = 0.9 } });

        var partial = await ValidateAsync(name);

        Assert.False(partial.GetProperty("valid").GetBoolean());
        Assert.Equal(["limitations", "ethical_considerations", "training_data"], MissingSections(partial));

        await PutSectionsAsync(name, FullCard());
        var full = await ValidateAsync(name);

        Assert.True(full.GetProperty("valid").GetBoolean());
        Assert.Empty(MissingSections(full));
    }

    [Fact]
    public async Task Generate_CardWithSections_ReturnsPdfWithModelNameAndSections()
    {
        var name = await CreateVersionAsync("card-pdf");
        await PutSectionsAsync(name, FullCard());

        var pdf = await GenerateAsync(name);

        Assert.True(PdfText.IsPdf(pdf));
        var text = PdfText.Extract(pdf);
        Assert.Contains(name, text);
        Assert.Contains("Intended use", text);
        Assert.Contains("Ethical considerations", text);
        Assert.Contains("Rank the fraud review queue.", text);
        Assert.Contains("features", text);
        Assert.Contains(RegistryClient.Sha256Hex(RegistryClient.SampleBytes(RegistryClient.FraudDetector))[..16], text);
        Assert.Contains("Page 1 of ", text);
    }

    [Fact]
    public async Task Generate_Overrides_AppearInPdfButAreNotStored()
    {
        var name = await CreateVersionAsync("card-override");
        await PutSectionsAsync(name, new Dictionary<string, object?> { ["limitations"] = "Stored limitation." });

        var pdf = await GenerateAsync(name, new { overrides = new Dictionary<string, object> { ["limitations"] = "Draft limitation for review." } });

        var text = PdfText.Extract(pdf);
        Assert.Contains("Draft limitation for review.", text);
        Assert.DoesNotContain("Stored limitation.", text);
        var stored = (await GetCardAsync(name, 1)).GetProperty("sections");
        Assert.Equal("Stored limitation.", stored.GetProperty("limitations").GetString());
    }

    [Fact]
    public async Task Generate_UnknownOverrideSection_Returns400()
    {
        var name = await CreateVersionAsync("card-override-unknown");

        using var response = await _client.PostAsJsonAsync($"{CardPath(name, 1)}/generate",
            new { overrides = new Dictionary<string, object> { ["summary"] = "x" } });

        Assert.Contains("'summary'", await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Generate_LongSection_SpansMorePages()
    {
        var name = await CreateVersionAsync("card-long");
        var findings = Enumerable.Range(1, 150)
            .Select(i => $"Finding {i}: the model's recall on slice {i} stays within two points of the overall recall across every month of the holdout.")
            .ToArray();
        await PutSectionsAsync(name, new Dictionary<string, object?> { ["evaluation"] = new { findings } });

        var pdf = await GenerateAsync(name);

        var pages = PdfText.PageCount(pdf);
        Assert.True(pages > 1, $"{pages} page(s)");
        var text = PdfText.Extract(pdf);
        Assert.Contains("Finding 150:", text);
        Assert.Contains($"Page {pages} of {pages}", text);
    }

    [Fact]
    public async Task Generate_NonLatinTextAndScalars_ReturnsPdf()
    {
        var name = await CreateVersionAsync("card-unicode");
        await PutSectionsAsync(name, new Dictionary<string, object?>
        {
            ["limitations"] = "Café — naïve Ελληνικά Русский 中文 😀\u0007",
            ["evaluation"] = new object?[] { 1, 2.5, null, true, new[] { new[] { "deep" } } },
        });

        var pdf = await GenerateAsync(name);

        Assert.Contains(name, PdfText.Extract(pdf));
    }

    [Fact]
    public async Task Generate_NoBody_ReturnsPdf()
    {
        var name = await CreateVersionAsync("card-no-body");

        using var response = await _client.PostAsync($"{CardPath(name, 1)}/generate", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(PdfText.IsPdf(await response.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "?format=markdown")]
    [InlineData("PUT", "")]
    [InlineData("POST", "/validate")]
    [InlineData("POST", "/generate")]
    public async Task Endpoints_UnknownModel_Return404(string method, string suffix)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{CardPath("no-such-model", 1)}{suffix}");
        if (method != "GET")
        {
            request.Content = JsonContent.Create(new Dictionary<string, object>());
        }

        using var response = await _client.SendAsync(request);

        Assert.Contains("no version 1", await response.ReadProblemDetailAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task GetCard_UnknownVersion_Returns404()
    {
        var name = await CreateVersionAsync("card-no-version");

        using var response = await _client.GetAsync(CardPath(name, 2));

        Assert.Contains("no version 2", await response.ReadProblemDetailAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task PutCard_UnknownVersion_Returns404AndStoresNothing()
    {
        var name = await CreateVersionAsync("card-put-no-version");

        using var response = await _client.PutAsJsonAsync(CardPath(name, 2), new Dictionary<string, object> { ["limitations"] = "x" });

        await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Generate_DefaultSettings_PdftoppmRendersAPageWithText()
    {
        // A registry with no PDF settings at all (PDFsharp 6.2.4 is MIT: nothing to opt into).
        using var defaults = new RegistryFactory();
        using var client = defaults.CreateClient();
        var name = await client.CreateModelAsync("card-rendered");
        await client.UploadSampleAsync(name);
        using (var put = await client.PutAsJsonAsync(CardPath(name, 1), FullCard()))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var response = await client.PostAsync($"{CardPath(name, 1)}/generate", content: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pdf = await response.Content.ReadAsByteArrayAsync();

        // Kept under .test-results/model-cards/ to be looked at.
        var directory = Path.Combine(TestPaths.RepositoryRoot, ".test-results", "model-cards");
        var png = await PdfPages.RenderFirstPageAsync(pdf, directory, "model-card");

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(PngImage.HasSignature(bytes), $"{png} is not a PNG.");
        var page = PngImage.Read(bytes);
        Assert.True(page.Height > page.Width, $"An A4 portrait page is taller than wide, not {page.Width}x{page.Height}.");
        // Text covers a few per cent of a page; a blank (or all-black) page is 0 (or 1).
        Assert.InRange(page.DarkFraction, 0.005, 0.5);
    }

    [Fact]
    public async Task Generate_NoFonts_Returns503NamingThePackage()
    {
        var emptyFonts = TestPaths.NewTempDirectory("no-fonts");
        try
        {
            using var fontless = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
                services.AddSingleton(new ModelCardFonts([emptyFonts]))));
            using var client = fontless.CreateClient();
            var name = await client.CreateModelAsync("card-fontless");
            await client.UploadSampleAsync(name);

            using var response = await client.PostAsync($"{CardPath(name, 1)}/generate", content: null);

            var detail = await response.ReadProblemDetailAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("fonts-dejavu-core", detail);
            Assert.Contains(emptyFonts, detail);
        }
        finally
        {
            Directory.Delete(emptyFonts, recursive: true);
        }
    }

    private static string CardPath(string name, int version) => $"/api/v1/model-cards/{name}/versions/{version}";

    private static Dictionary<string, object?> FullCard() => new()
    {
        ["intended_use"] = new { primary_uses = new[] { "Rank the fraud review queue." } },
        ["limitations"] = "Trained on EU merchants only.",
        ["ethical_considerations"] = new { risks = new[] { new { risk = "False positives", mitigation = "Human review" } } },
        ["training_data"] = new { source = "payments warehouse", rows = 12_500_000 },
        ["evaluation"] = new { roc_auc = 0.943 },
    };

    private static string[] MissingSections(JsonElement validation) =>
        [.. validation.GetProperty("missing_sections").EnumerateArray().Select(section => section.GetString()!)];

    private async Task<string> CreateVersionAsync(string prefix)
    {
        var name = await _client.CreateModelAsync(prefix);
        await _client.UploadSampleAsync(name);
        return name;
    }

    private async Task<JsonElement> GetCardAsync(string name, int version)
    {
        using var response = await _client.GetAsync(CardPath(name, version));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    private async Task PutSectionsAsync(string name, Dictionary<string, object?> sections)
    {
        using var response = await _client.PutAsJsonAsync(CardPath(name, 1), sections);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonElement> ValidateAsync(string name)
    {
        using var response = await _client.PostAsync($"{CardPath(name, 1)}/validate", content: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<byte[]> GenerateAsync(string name, object? body = null)
    {
        using var response = body is null
            ? await _client.PostAsync($"{CardPath(name, 1)}/generate", content: null)
            : await _client.PostAsJsonAsync($"{CardPath(name, 1)}/generate", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.True(PdfText.IsPdf(pdf), "The body does not start with %PDF-.");
        return pdf;
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelCardsApiTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelCardsApiTests(factory), IClassFixture<PostgresRegistryFactory>;
}
