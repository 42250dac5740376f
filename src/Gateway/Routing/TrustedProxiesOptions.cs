using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace Maestro.Gateway.Routing;

/// <summary>
/// The reverse proxies in front of the gateway (an ingress controller, a cloud load balancer), under
/// <c>Gateway:TrustedProxies</c>: a request that comes from one of <see cref="Networks"/> has its client
/// address and scheme taken from <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, so the limit on
/// failed authentications, the logs and the workers see the real client rather than the proxy. Empty
/// (the default): the connection's own address is the client and forwarded headers are ignored, so a
/// client cannot pick the address it is counted under.
/// </summary>
public sealed class TrustedProxiesOptions : IValidatableObject
{
    public const string SectionName = "Gateway:TrustedProxies";

    /// <summary>Addresses (<c>10.0.0.7</c>) or CIDR networks (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) of the proxies.</summary>
    public List<string> Networks { get; set; } = [];

    /// <summary>How many proxies of a chain are unwrapped from <c>X-Forwarded-For</c>, from the right (default 1).</summary>
    [Range(1, 16)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Networks.Where(network => !TryParse(network, out _)).Select(network => new ValidationResult(
            $"'{network}' is neither an IP address nor a CIDR network (such as 10.0.0.0/8 or fd00::/8).", [nameof(Networks)]));

    /// <summary>An address is a network of one.</summary>
    internal static bool TryParse(string value, out IPNetwork network)
    {
        if (IPNetwork.TryParse(value, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}
