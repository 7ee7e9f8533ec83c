using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using DeviceRegistry.Web.Staff;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeviceRegistry.Web.BackOffice;

/// <summary>
/// Hangfire's dashboard at <see cref="Path"/> for administrators only (docs/operations.md, "Background jobs"): the
/// endpoint requires the <see cref="StaffPolicies.Administer"/> policy, so a signed-out visitor is sent to sign in and
/// another role to the access-denied page (403), as for every administration page; each change made on it (retry,
/// delete, requeue: a POST) is audited as <see cref="AuditActions.BackgroundJobsChanged"/>. Linked from /backoffice/jobs.
/// </summary>
public static class BackgroundJobsDashboard
{
    public const string Path = "/backoffice/jobs/background";

    /// <summary>What the dashboard needs of Hangfire's ASP.NET Core services, without its static configuration (BackgroundJobs).</summary>
    public static IServiceCollection AddBackgroundJobsDashboard(this IServiceCollection services)
    {
        services.TryAddSingleton<IGlobalConfiguration>(_ => GlobalConfiguration.Configuration);
        services.TryAddSingleton(_ => DashboardRoutes.Routes);
        return services;
    }

    /// <summary>Maps the dashboard when this host has Hangfire (BackgroundJobs:Enabled); after authentication and authorization.</summary>
    public static WebApplication MapBackgroundJobsDashboard(this WebApplication app)
    {
        if (app.Services.GetService<JobStorage>() is not { } storage)
        {
            return app;
        }

        app.UseWhen(
            http => HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments(Path),
            branch => branch.Use(AuditChangeAsync));
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            AppPath = "/backoffice/jobs",
            DashboardTitle = "DeviceRegistry background jobs",
            DisplayStorageConnectionString = false,
            // The endpoint's policy decides (below); Hangfire's own default would allow local requests only.
            Authorization = [],
            AsyncAuthorization = [new AdministratorsOnly()],
        }, storage).RequireAuthorization(StaffPolicies.Administer);
        return app;
    }

    private static async Task AuditChangeAsync(HttpContext http, Func<Task> next)
    {
        await next();
        if (http.Response.StatusCode is < 200 or >= 300 || http.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var jobs = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync()).TryGetValue("jobs[]", out var ids) ? ids.ToArray() : [] : [];
        await using var scope = http.RequestServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<RegistryClock>();
        var action = http.Request.Path.Value![Path.Length..];
        AuditLog.Record(db, http.User.Actor(), AuditActions.BackgroundJobsChanged, "background-jobs:" + action, clock.UtcNow.UtcDateTime,
            after: new { Action = action, Jobs = jobs });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The same policy again inside Hangfire, which refuses whatever its filters do not allow.</summary>
    private sealed class AdministratorsOnly : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
            return (await authorization.AuthorizeAsync(http.User, StaffPolicies.Administer)).Succeeded;
        }
    }
}
