using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// The <c>Registry</c> section: the registry-wide policy every part of the system shares. The home
/// networks decide which SIMs start a registration window, are exempt as roamers or receive warnings;
/// the time zone is the registry's day for ingest dates, detection, enforcement, the EIR and the portal;
/// the operator networks say which operator runs each network (its MCC-MNC): the operators' lists route
/// a SIM's rows by it and NRF access tokens are attributed by their consumer's PLMN.
/// </summary>
public sealed class RegistrySettings : ISettingsSection
{
    public const string Section = "Registry";

    public const string NetworksKey = "Networks";

    private readonly Dictionary<string, string> networks = new(StringComparer.Ordinal);

    /// <summary>The registry's time zone (IANA id): "today" and the date of every timestamp are counted in it.</summary>
    public string TimeZone { get; set; } = "Asia/Baku";

    /// <summary>
    /// The country's networks as IMSI prefixes: an MCC (3 digits, every network of the country) or an
    /// MCC and MNC (5 or 6 digits, one operator). An IMSI that starts with none of them is a roamer.
    /// </summary>
    public IReadOnlyList<string> HomeNetworks { get; set; } = ["400"];

    /// <summary>Network (MCC then MNC, 5 or 6 digits, e.g. 40001) → the name of the operator running it, from <c>Registry:Networks:&lt;mccmnc&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Networks => networks;

    public IEnumerable<string> OtherKeys => [NetworksKey];

    public void BindOther(IConfigurationSection section, List<string> problems)
    {
        foreach (var child in section.GetSection(NetworksKey).GetChildren())
        {
            var key = $"{section.Path}:{NetworksKey}:{child.Key}";
            if (child.Key.Length is < 5 or > 6 || !child.Key.All(char.IsAsciiDigit))
            {
                problems.Add($"{key}: '{child.Key}' is not a network; the keys under {section.Path}:{NetworksKey} are MCC and MNC as one number (5 or 6 digits, e.g. 40001), each set to an operator name");
            }
            else if (string.IsNullOrWhiteSpace(child.Value))
            {
                problems.Add($"{key} must be an operator name (as in devreg operator add), not empty or a list");
            }
            else
            {
                networks[child.Key] = child.Value.Trim();
            }
        }
    }

    /// <summary>The operator whose network the IMSI belongs to (the longest matching MCC-MNC), or null for a SIM of no listed network.</summary>
    public string? OperatorOfImsi(string imsi)
    {
        string? best = null;
        var bestLength = 0;
        foreach (var (network, name) in networks)
        {
            if (network.Length > bestLength && imsi.StartsWith(network, StringComparison.Ordinal))
            {
                best = name;
                bestLength = network.Length;
            }
        }

        return best;
    }

    /// <summary>The operator running the PLMN (MCC then MNC, exactly as listed), or null.</summary>
    public string? OperatorOfPlmn(string plmn) => networks.GetValueOrDefault(plmn);

    public IEnumerable<string> Validate(string section)
    {
        if (HomeNetworks.Count == 0)
        {
            yield return $"{section}:HomeNetworks must list at least one MCC (3 digits) or MCC+MNC (5 or 6 digits)";
        }

        foreach (var prefix in HomeNetworks)
        {
            if (prefix.Length is < 3 or > 6 or 4 || !prefix.All(char.IsAsciiDigit))
            {
                yield return $"{section}:HomeNetworks has '{prefix}'; each entry is an MCC (3 digits) or an MCC and MNC (5 or 6 digits), e.g. 400 or 40001";
            }
        }

        string? zoneProblem = null;
        try
        {
            _ = RegistryClock.FindZone(TimeZone);
        }
        catch (InvalidOperationException ex)
        {
            zoneProblem = $"{section}:TimeZone {ex.Message}";
        }

        if (zoneProblem is not null)
        {
            yield return zoneProblem;
        }
    }

    /// <summary>Keys of earlier versions that the registry-wide settings replaced: setting one is an error, not a silent no-op.</summary>
    internal static IEnumerable<string> ReplacedKeys(IConfiguration configuration)
    {
        (string Old, string New)[] replaced =
        [
            ("Eir:HomeMccs", $"{Section}:HomeNetworks"),
            ("Registration:TimeZone", $"{Section}:TimeZone"),
            ("Ingest:UtcOffset", $"{Section}:TimeZone"),
            ("Lists:Networks", $"{Section}:{NetworksKey}"),
            ("Eir:Nrf:ConsumerPlmns", $"{Section}:{NetworksKey}"),
            ("Ingest:DeferMerge", "Sightings:DeferMerge"),
        ];
        foreach (var (old, now) in replaced)
        {
            var section = configuration.GetSection(old);
            if (section.Value is not null || section.GetChildren().Any())
            {
                yield return $"{old} is no longer read: set {now} instead";
            }
        }
    }
}
