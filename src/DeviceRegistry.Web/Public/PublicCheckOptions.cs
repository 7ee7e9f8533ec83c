namespace DeviceRegistry.Web.Public;

/// <summary>Settings under <c>PublicCheck</c>.</summary>
public sealed class PublicCheckOptions
{
    public const string Section = "PublicCheck";

    /// <summary>IMEI checks one client address may make per minute (API and page together).</summary>
    public int PermitPerMinute { get; set; } = 30;
}

/// <summary>Settings under <c>Registration</c> that the public check needs.</summary>
public sealed class RegistrationWindowOptions
{
    public const string Section = "Registration";

    /// <summary>Days from the first sighting with a home-network SIM until an unregistered device is blocked.</summary>
    public int WindowDays { get; set; } = 30;
}
