using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Maestro.Gateway.Discovery;

/// <summary>
/// Expands each YARP destination written as a discovery name (<c>http://worker</c>) into one
/// destination per endpoint that <see cref="ServiceEndpointResolver"/> knows — locally the AppHost's
/// <c>services__worker__http__N</c> variables, in Kubernetes the same variables or DNS. When the
/// endpoints change, the returned change token fires and YARP asks again.
/// </summary>
internal sealed class ServiceDiscoveryDestinationResolver(ServiceEndpointResolver resolver) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations,
        CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changeTokens = new List<IChangeToken>();
        foreach (var (id, destination) in destinations)
        {
            var configured = new Uri(destination.Address);
            var source = await resolver.GetEndpointsAsync(configured.GetLeftPart(UriPartial.Authority), cancellationToken);
            changeTokens.Add(source.ChangeToken);
            for (var i = 0; i < source.Endpoints.Count; i++)
            {
                var address = AddressOf(source.Endpoints[i].EndPoint, configured);
                resolved[$"{id}[{i}]"] = destination with { Address = address };
            }
        }

        return new ResolvedDestinationCollection(resolved, new CompositeChangeToken(changeTokens));
    }

    /// <summary>The endpoint as an absolute address, keeping the configured scheme and path.</summary>
    internal static string AddressOf(EndPoint endPoint, Uri configured)
    {
        var authority = endPoint switch
        {
            UriEndPoint uri => uri.Uri.GetLeftPart(UriPartial.Authority),
            IPEndPoint ip => $"{configured.Scheme}://{ip}",
            DnsEndPoint dns => $"{configured.Scheme}://{dns.Host}:{dns.Port}",
            _ => $"{configured.Scheme}://{endPoint}",
        };
        return authority + configured.AbsolutePath.TrimEnd('/');
    }
}
