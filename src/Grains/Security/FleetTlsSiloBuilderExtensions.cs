using EdgeCluster.Grains.Transfer.Link;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeCluster.Grains.Security;

public static class FleetTlsSiloBuilderExtensions
{
    /// <summary>Orleans connections (to silos and from clients) and the activation link, all over TLS with <paramref name="credentials"/>.</summary>
    public static ISiloBuilder UseFleetTls(this ISiloBuilder silo, FleetCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        silo.UseTls(credentials.Certificate, credentials.Configure);
        silo.Services.AddSingleton(new ActivationLinkSecurity(credentials));
        return silo;
    }
}
