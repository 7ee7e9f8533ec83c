using System.Data.Common;

namespace DeviceRegistry.Eir;

/// <summary>
/// Where the index reads registrations, payments and blocks (implemented over the registration tables by
/// Registrations.RegistrationDeviceStatusSource). An implementation reports, for each IMEI it knows, the combined flags.
/// </summary>
public interface IDeviceStatusSource
{
    /// <summary>Every IMEI that is registered or blocked (the start-up load).</summary>
    Task ReadAllAsync(DbConnection connection, Action<long, DeviceStatusFlags> report, CancellationToken ct);

    /// <summary>The current flags of these IMEIs (after imei_changes named them); IMEIs not reported have none.</summary>
    Task ReadAsync(DbConnection connection, IReadOnlyList<long> imeis, Action<long, DeviceStatusFlags> report, CancellationToken ct);
}
