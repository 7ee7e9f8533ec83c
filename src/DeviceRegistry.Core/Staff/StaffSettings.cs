using DeviceRegistry.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace DeviceRegistry.Staff;

/// <summary>The <c>Staff</c> section: how staff sign in to the back office.</summary>
public sealed class StaffSettings : ISettingsSection
{
    public const string Section = "Staff";

    /// <summary>The shortest password accepted (the floor is 12; a deployment may ask more).</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>Reviewers, supervisors and administrators must sign in with an authenticator code (TOTP). Off only in Development.</summary>
    public bool RequireTwoFactor { get; set; } = true;

    /// <summary>Minutes without a request after which a staff session ends.</summary>
    public int IdleTimeoutMinutes { get; set; } = 20;

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public int LockoutMinutes { get; set; } = 15;

    public IEnumerable<string> Validate(string section)
    {
        if (IdleTimeoutMinutes is < 1 or > 24 * 60)
        {
            yield return $"{section}:IdleTimeoutMinutes is {IdleTimeoutMinutes}; it must be from 1 to 1440 minutes";
        }

        if (MaxFailedSignIns is < 1 or > 100)
        {
            yield return $"{section}:MaxFailedSignIns is {MaxFailedSignIns}; it must be from 1 to 100";
        }

        if (LockoutMinutes is < 1 or > 7 * 24 * 60)
        {
            yield return $"{section}:LockoutMinutes is {LockoutMinutes}; it must be from 1 to 10080 minutes";
        }
    }

    /// <summary>The one set of Identity rules both hosts use: password strength, lockout, unique user names.</summary>
    public void Apply(IdentityOptions options)
    {
        options.Password.RequiredLength = MinimumPasswordLength;
        options.Password.RequireDigit = true;
        options.Password.RequireLowercase = true;
        options.Password.RequireUppercase = true;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 6;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(LockoutMinutes);
        options.User.RequireUniqueEmail = false;
        options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
        options.SignIn.RequireConfirmedAccount = false;
    }
}
