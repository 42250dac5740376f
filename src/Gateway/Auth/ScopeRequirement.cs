using Microsoft.AspNetCore.Authorization;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The caller's <c>scope</c> claim must hold <see cref="ReadScope"/> for a GET, HEAD or OPTIONS — or a
/// POST to one of <see cref="ReadsByPost"/> — and <see cref="WriteScope"/> for anything else (the two
/// are the same for single-scope policies).
/// </summary>
internal sealed class ScopeRequirement(string readScope, string writeScope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public ScopeRequirement(string scope) : this(scope, scope)
    {
    }

    public string ReadScope { get; } = readScope;

    public string WriteScope { get; } = writeScope;

    /// <summary>
    /// Reads that clients send as POST: MLflow's own client asks for a model's latest versions with a
    /// POST, and a key that may only read the registry must be able to.
    /// </summary>
    public static IReadOnlyList<string> ReadsByPost { get; } = ["/api/2.0/mlflow/registered-models/get-latest-versions"];

    /// <summary>The scope a request needs; unknown methods need the write scope.</summary>
    public string For(HttpRequest? request) => request is not null && IsRead(request) ? ReadScope : WriteScope;

    private static bool IsRead(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
        || (HttpMethods.IsPost(request.Method) && IsReadByPost(request.Path));

    private static bool IsReadByPost(PathString path)
    {
        var reads = ReadsByPost;
        for (var i = 0; i < reads.Count; i++)
        {
            if (path.Equals(reads[i], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var request = (context.Resource as HttpContext)?.Request;
        if (Scopes.Includes(GatewayClaims.ScopeOf(context.User), requirement.For(request)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
