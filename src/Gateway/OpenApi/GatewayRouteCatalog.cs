using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Yarp.ReverseProxy.Model;

namespace Maestro.Gateway.OpenApi;

/// <summary>
/// Answers "which of the gateway's endpoints serves <c>GET /api/v1/models/{name}</c>, and may an
/// anonymous caller use it?" from the gateway's own endpoint table — the YARP routes (with the
/// authorization policy each declares) and the gateway's own endpoints — so the merged document
/// cannot drift from what the gateway does. Matching follows ASP.NET Core routing: route order,
/// then precedence (literal before parameter before catch-all), then HTTP method and constraints.
/// </summary>
internal sealed partial class GatewayRouteCatalog
{
    private readonly IReadOnlyList<Candidate> _candidates;

    private GatewayRouteCatalog(IReadOnlyList<Candidate> candidates) => _candidates = candidates;

    /// <summary>The catalog of the gateway's endpoints as they are now, with its fallback authorization policy.</summary>
    public static async Task<GatewayRouteCatalog> CreateAsync(EndpointDataSource endpoints, ParameterPolicyFactory policies, IAuthorizationPolicyProvider authorization) =>
        Create(endpoints.Endpoints, policies, await authorization.GetFallbackPolicyAsync() is not null);

    /// <param name="endpoints">Every endpoint of the gateway (its <see cref="EndpointDataSource"/>).</param>
    /// <param name="policies">Creates route constraints such as <c>regex(…)</c> and <c>int</c>.</param>
    /// <param name="fallbackRequiresCaller">Whether an endpoint without authorization metadata needs a caller (a fallback policy is set).</param>
    public static GatewayRouteCatalog Create(IEnumerable<Endpoint> endpoints, ParameterPolicyFactory policies, bool fallbackRequiresCaller)
    {
        var candidates = endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => Candidate.Create(endpoint, policies, fallbackRequiresCaller))
            .OrderBy(candidate => candidate.Order)
            .ThenBy(candidate => candidate.Precedence)
            .ToList();
        return new GatewayRouteCatalog(candidates);
    }

    /// <summary>
    /// The endpoint a request for <paramref name="pathTemplate"/> (an OpenAPI path such as
    /// <c>/v2/models/{name}/infer</c>, each parameter filled with a sample value) reaches, or <c>null</c>
    /// when the gateway routes it nowhere.
    /// </summary>
    public GatewayEndpoint? Find(HttpMethod method, string pathTemplate)
    {
        var path = new PathString(PathParameter().Replace(pathTemplate, "1"));
        var context = new DefaultHttpContext();
        foreach (var candidate in _candidates)
        {
            if (candidate.Matches(context, method.Method, path))
            {
                return candidate.Endpoint;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();

    private sealed record Candidate(
        GatewayEndpoint Endpoint,
        int Order,
        decimal Precedence,
        TemplateMatcher Matcher,
        IReadOnlyList<string>? Methods,
        IReadOnlyList<(string Parameter, IRouteConstraint Constraint)> Constraints)
    {
        public static Candidate Create(RouteEndpoint endpoint, ParameterPolicyFactory policies, bool fallbackRequiresCaller)
        {
            var template = new RouteTemplate(endpoint.RoutePattern);
            var constraints = endpoint.RoutePattern.Parameters
                .SelectMany(parameter => parameter.ParameterPolicies.Select(reference => (parameter, policy: policies.Create(parameter, reference))))
                .Where(pair => pair.policy is IRouteConstraint)
                .Select(pair => (pair.parameter.Name, (IRouteConstraint)pair.policy))
                .ToList();
            var metadata = endpoint.Metadata;
            var requiresCaller = metadata.GetMetadata<IAllowAnonymous>() is null
                && (fallbackRequiresCaller || metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 || metadata.GetOrderedMetadata<AuthorizationPolicy>().Count > 0);
            return new Candidate(
                new GatewayEndpoint(metadata.GetMetadata<RouteModel>()?.Config.ClusterId, requiresCaller),
                endpoint.Order,
                RoutePrecedence.ComputeInbound(template),
                new TemplateMatcher(template, new RouteValueDictionary(endpoint.RoutePattern.Defaults)),
                metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods,
                constraints);
        }

        public bool Matches(HttpContext context, string method, PathString path)
        {
            if (Methods is { Count: > 0 } && !Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            var values = new RouteValueDictionary();
            return Matcher.TryMatch(path, values)
                && Constraints.All(c => c.Constraint.Match(context, null, c.Parameter, values, RouteDirection.IncomingRequest));
        }
    }
}
