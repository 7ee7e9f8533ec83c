using System.Globalization;
using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Identifiers;

/// <summary>
/// Which SIMs belong to the country's networks (<c>Registry:HomeNetworks</c>): an IMSI is a home SIM
/// when it starts with one of the configured MCC or MCC+MNC prefixes, otherwise a roamer. The one
/// test of "home" for ingest, detection, the window, the EIR, the status query and SMS targeting.
/// </summary>
public sealed class HomeNetworks
{
    private readonly string[] prefixes;
    private readonly (long Value, int Length)[] packed;

    public HomeNetworks(RegistrySettings settings)
        : this(settings.HomeNetworks)
    {
    }

    public HomeNetworks(IEnumerable<string> prefixes)
    {
        this.prefixes = prefixes.Distinct(StringComparer.Ordinal).ToArray();
        packed = this.prefixes.Select(p => (long.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture), p.Length)).ToArray();
    }

    public IReadOnlyList<string> Prefixes => prefixes;

    public bool IsHome(ReadOnlySpan<char> imsi)
    {
        foreach (var prefix in prefixes)
        {
            if (imsi.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The same test on an IMSI packed as digits (the ingest's form): its leading digits are compared as a number.</summary>
    public bool IsHome(long digits, int length)
    {
        foreach (var (value, prefixLength) in packed)
        {
            if (length >= prefixLength && digits / Pow10(length - prefixLength) == value)
            {
                return true;
            }
        }

        return false;
    }

    private static long Pow10(int n)
    {
        long p = 1;
        for (var i = 0; i < n; i++)
        {
            p *= 10;
        }

        return p;
    }
}
