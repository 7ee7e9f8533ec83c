using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// The <c>Registry</c> section: the registry-wide policy every part of the system shares. The home
/// networks decide which SIMs start a registration window, are exempt as roamers or receive warnings;
/// the time zone is the registry's day for ingest dates, detection, enforcement, the EIR and the portal.
/// </summary>
public sealed class RegistrySettings : ISettingsSection
{
    public const string Section = "Registry";

    /// <summary>The registry's time zone (IANA id): "today" and the date of every timestamp are counted in it.</summary>
    public string TimeZone { get; set; } = "Asia/Baku";

    /// <summary>
    /// The country's networks as IMSI prefixes: an MCC (3 digits, every network of the country) or an
    /// MCC and MNC (5 or 6 digits, one operator). An IMSI that starts with none of them is a roamer.
    /// </summary>
    public IReadOnlyList<string> HomeNetworks { get; set; } = ["400"];

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
