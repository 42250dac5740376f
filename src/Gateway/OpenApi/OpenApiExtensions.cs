namespace Maestro.Gateway.OpenApi;

/// <summary>
/// The gateway's API documentation: <c>/openapi/v1.json</c> (one merged document), <c>/docs</c>
/// (Swagger UI) and <c>/redoc</c> (ReDoc), all anonymous. Both viewers are served from the assets
/// embedded in their packages, so they work without internet access.
/// </summary>
internal static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/" + MergedOpenApiDocument.DocumentName + ".json";

    /// <summary>ReDoc's page without the package's web-font link, so it loads nothing from outside.</summary>
    private const string ReDocIndex = "Maestro.Gateway.OpenApi.redoc-index.html";

    public static void AddGatewayOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(MergedOpenApiDocument.DocumentName, options => options.AddDocumentTransformer<GatewayProbesDocumentTransformer>());
        builder.AddValidatedOptions<GatewayOpenApiOptions>(GatewayOpenApiOptions.SectionName);

        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<MergedOpenApiDocument>();
    }

    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(DocumentPath, async (MergedOpenApiDocument document, CancellationToken cancellationToken) =>
                TypedResults.Bytes(await document.GetJsonAsync(cancellationToken), "application/json; charset=utf-8"))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.Map("/docs/{**asset}", Viewer(app, viewer => viewer.UseSwaggerUI(options =>
            {
                options.RoutePrefix = "docs";
                options.DocumentTitle = "Maestro API";
                options.SwaggerEndpoint(DocumentPath, "Maestro");
                // Swagger UI would otherwise send the document to an online validator.
                options.ConfigObject.ValidatorUrl = "none";
            })))
            .AllowAnonymous();
        app.Map("/redoc/{**asset}", Viewer(app, viewer => viewer.UseReDoc(options =>
            {
                options.RoutePrefix = "redoc";
                options.DocumentTitle = "Maestro API";
                options.SpecUrl = DocumentPath;
                options.IndexStream = () => typeof(OpenApiExtensions).Assembly.GetManifestResourceStream(ReDocIndex)!;
            })))
            .AllowAnonymous();
        return app;
    }

    /// <summary>A viewer's middleware as an endpoint, so it is routed (and authorized) like any other; what it does not serve is a 404.</summary>
    private static RequestDelegate Viewer(IEndpointRouteBuilder app, Action<IApplicationBuilder> configure)
    {
        var viewer = app.CreateApplicationBuilder();
        configure(viewer);
        viewer.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return viewer.Build();
    }
}
