using DeviceRegistry.Staff;
using DeviceRegistry.Web.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Staff;

/// <summary>
/// Staff sign-in for the back office: Identity's cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, an
/// idle timeout from <c>Staff:IdleTimeoutMinutes</c>), the two-factor cookies, one authorization policy per
/// kind of work (<see cref="StaffPolicies"/>), and anti-forgery tokens on every form (Razor Pages check them
/// on every POST).
/// </summary>
public static class StaffAccess
{
    public const string SignInPath = "/backoffice/account/signin";
    public const string AccessDeniedPath = "/backoffice/account/denied";
    public const string CookieName = "devreg-staff";

    public static IServiceCollection AddStaffAccess(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        new IdentityBuilder(typeof(StaffUser), typeof(IdentityRole), services)
            .AddSignInManager<StaffSignInManager>()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>();
        // Password and user errors in the reader's language (the core's registration, used by the CLI, stays English).
        services.Replace(ServiceDescriptor.Scoped<IdentityErrorDescriber, LocalizedIdentityErrors>());
        // A disabled account or a changed password ends open sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<StaffSettings>>((cookie, staff) =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(staff.Value.IdleTimeoutMinutes);
                cookie.SlidingExpiration = true;
                cookie.LoginPath = SignInPath;
                cookie.AccessDeniedPath = AccessDeniedPath;
                cookie.ReturnUrlParameter = "returnUrl";
            });
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.ExternalScheme })
        {
            services.Configure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(scheme, cookie =>
            {
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        }

        services.AddAuthorization(o =>
        {
            foreach (var policy in StaffPolicies.All)
            {
                o.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(StaffPolicies.RolesFor(policy)));
            }
        });
        services.AddScoped<SignInAudit>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "devreg-af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    /// <summary>The claim that carries a clerk's post office.</summary>
    public const string OfficeClaim = "devreg:office";

    /// <summary>The claim saying the account has its second factor on ("on"); absent otherwise.</summary>
    public const string TwoFactorClaim = "devreg:2fa";

    /// <summary>The acting member of staff, from the signed-in user's claims.</summary>
    public static StaffActor Actor(this System.Security.Claims.ClaimsPrincipal user)
    {
        var id = user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
            ?? throw new InvalidOperationException("No signed-in user.");
        var roles = user.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList();
        return new StaffActor(id, user.Identity?.Name ?? id, roles, user.FindFirst(OfficeClaim)?.Value);
    }
}

/// <summary>
/// Adds the clerk's office to the sign-in cookie, so use cases know which office is acting, and whether the
/// account has its second factor on (for <see cref="TwoFactorEnrolment"/>).
/// </summary>
internal sealed class StaffClaimsPrincipalFactory(
    UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    protected override async Task<System.Security.Claims.ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrEmpty(user.Office))
        {
            identity.AddClaim(new System.Security.Claims.Claim(StaffAccess.OfficeClaim, user.Office));
        }

        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new System.Security.Claims.Claim(StaffAccess.TwoFactorClaim, "on"));
        }

        return identity;
    }
}
