using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Web.Public;

/// <summary>What a citizen may learn about a device. Never who uses it.</summary>
public enum PublicStatusKind
{
    NeverSeen,
    RoamingOnly,
    InRegistrationWindow,
    BlockedUnregistered,
    Registered,
    Clone,
    ReportedStolen,
}

/// <summary>A device model from the TAC database.</summary>
public sealed record DeviceModelInfo(string Tac, string? Brand, string? Model);

/// <summary>
/// The public status of one IMEI. <see cref="Device"/> is null when the TAC database does not name the model;
/// <see cref="TacUnknown"/> is true only when a TAC database is loaded and the TAC is not in it;
/// <see cref="RegistrationDeadline"/> and <see cref="DutyAzn"/> are set inside the registration window.
/// </summary>
public sealed record PublicDeviceStatus(
    PublicStatusKind Kind,
    DeviceModelInfo? Device,
    DateOnly? RegistrationDeadline = null,
    decimal? DutyAzn = null,
    bool TacUnknown = false);

/// <summary>
/// Where the public check gets an IMEI's status. The database implementation here reads the tables
/// that exist today; the shared status query of the registrations feature replaces it after merging.
/// </summary>
public interface IPublicStatusSource
{
    Task<PublicDeviceStatus> GetStatusAsync(Imei imei, CancellationToken ct);
}
