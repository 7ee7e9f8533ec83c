namespace DeviceRegistry.Web.Public;

/// <summary>Settings under <c>PublicCheck</c>.</summary>
public sealed class PublicCheckOptions
{
    public const string Section = "PublicCheck";

    /// <summary>IMEI checks one client address may make per minute (API and page together).</summary>
    public int PermitPerMinute { get; set; } = 30;

    /// <summary>
    /// The duty shown inside the registration window until the tariff and price list are wired in:
    /// the rate for a model not on the price list (15 AZN since 14 Dec 2023).
    /// </summary>
    public decimal UnlistedModelDutyAzn { get; set; } = 15m;
}

/// <summary>Settings under <c>Registration</c> that the public check needs.</summary>
public sealed class RegistrationWindowOptions
{
    public const string Section = "Registration";

    /// <summary>Days from the first sighting with a home-network SIM until an unregistered device is blocked.</summary>
    public int WindowDays { get; set; } = 30;
}
