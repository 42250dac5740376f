using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>
/// MLflow's Model Registry REST API 2.0 under <c>/api/2.0/mlflow/</c>, on the registry's own store, so
/// MLflow's clients and scripts work against Maestro unchanged: MLflow's verbs, parameters, JSON
/// shapes and errors (<c>{"error_code", "message"}</c> with MLflow's HTTP statuses).
/// </summary>
public static class MlflowApi
{
    public const string Prefix = "/api/2.0/mlflow";

    /// <summary>MLflow's defaults and limits for <c>max_results</c>.</summary>
    public const int DefaultMaxModels = 100;
    public const int MaxMaxModels = 1000;
    public const int DefaultMaxVersions = 10_000;
    public const int MaxMaxVersions = 200_000;

    public static RouteGroupBuilder MapMlflowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).WithTags("MLflow Model Registry");
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (MlflowParameterException ex)
            {
                return MlflowErrors.InvalidParameter(ex.Message);
            }
        });
        api.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(MlflowError), ["application/json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(MlflowError), ["application/json"]));

        api.MapMlflowRegisteredModels();
        api.MapMlflowModelVersions();
        return api;
    }

    /// <summary>Documents a GET's query parameters (handlers read them through <see cref="MlflowRequest"/>).</summary>
    internal static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder builder, string[] required, params string[] optional) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, isRequired) in required.Select(name => (name, true)).Concat(optional.Select(name => (name, false))))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Required = isRequired,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            return Task.CompletedTask;
        });

    /// <summary><c>max_results</c> from 1 to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    internal static int MaxResults(MlflowRequest request, int fallback, int max)
    {
        var value = request.Long("max_results") ?? fallback;
        return value is >= 1 && value <= max
            ? (int)value
            : throw new MlflowParameterException($"Invalid value {value} for parameter 'max_results': it must be from 1 to {max}.");
    }

    /// <summary>Accepts an <c>order_by</c> only when it asks for the one order the search returns.</summary>
    internal static void RequireOrder(MlflowRequest request, string order, params string[] accepted)
    {
        foreach (var clause in request.Strings("order_by"))
        {
            var normalized = string.Join(' ', clause.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            if (!accepted.Contains(normalized, StringComparer.OrdinalIgnoreCase))
            {
                throw new MlflowParameterException($"Unsupported order_by '{clause}': results always come in {order} ({string.Join(", ", accepted.Select(a => $"'{a}'"))} may be given).");
            }
        }
    }

    /// <summary>A description of at most <see cref="ModelsApi.MaxDescriptionLength"/> characters.</summary>
    internal static string? Description(MlflowRequest request)
    {
        var description = request.String("description");
        return description is { Length: > ModelsApi.MaxDescriptionLength }
            ? throw new MlflowParameterException($"The description is longer than {ModelsApi.MaxDescriptionLength} characters.")
            : description;
    }
}
