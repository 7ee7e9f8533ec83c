using DeviceRegistry.Infrastructure;
using DeviceRegistry.Web.Appeals;
using DeviceRegistry.Web.BackOffice;
using DeviceRegistry.Web.Eir;
using Quartz;
using DeviceRegistry.Web.Demo;
using DeviceRegistry.Web.Health;
using DeviceRegistry.Web.Hosting;
using DeviceRegistry.Web.Localization;
using DeviceRegistry.Web.Lists;
using DeviceRegistry.Web.Public;
using DeviceRegistry.Web.Sms;
using DeviceRegistry.Web.Staff;
using DeviceRegistry.Web.Telemetry;

// Settings and static files live beside the binaries; the working directory is where `dotnet run` was
// typed (see RunWorkingDirectory in the csproj), so relative paths such as data/registry.db resolve there.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseStaticWebAssets();

// The EIR's SBA listener (HTTP/2 only, h2c for 5G core peers) beside the standard endpoints: Eir:SbaListen, docs/eir.md.
builder.AddSbaListener();
builder.Services.WrapServerForSbaListener();

// Readable lines for a developer's console; JSON lines for the log collectors everywhere else.
builder.Logging.ClearProviders();
if (builder.Environment.IsDevelopment())
{
    builder.Logging.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "HH:mm:ss ";
    });
}
else
{
    builder.Logging.AddJsonConsole(o =>
    {
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    });
}

// No per-request Activity and logging scope from ASP.NET Core's hosting unless its category is configured (docs/eir.md).
builder.Logging.QuietPerRequestHostingDiagnostics(builder.Configuration);

builder.Services.AddDeviceRegistry(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();

// Hosted services start in the order they are added: the schema first, then whatever reads it.
builder.Services.AddSchemaMigrationOnStart();
builder.Services.AddDemoData(builder.Configuration);
builder.Services.AddRegistryHealthChecks();
builder.Services.AddPublicCheck(builder.Configuration);

// Pages (the public check and the back office) in az/en/ru; staff sign-in and role policies.
builder.Services.AddRegistryLocalization();
builder.Services.AddStaffAccess();
// Their cookies' keys in the registry database, one key ring for every node.
builder.Services.AddRegistryKeyRing();
builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/BackOffice", DeviceRegistry.Staff.StaffPolicies.Staff));
builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);

// The EIR (N5g-eir API and its in-memory decision index) loads after the schema and the demo data exist.
builder.Services.AddEir(builder.Configuration);

// The calendar jobs (enforcement, retention, detection, lists export) on Quartz's persistent job store (ADR 0004).
if (Settings.Read<JobsSettings>(builder.Configuration, JobsSettings.Section).Enabled)
{
    builder.Services.AddScheduledJobs(builder.Configuration);
    builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
}

// The back office's jobs page reads this host's scheduler, or says there is none (Jobs:Enabled false).
builder.Services.AddScoped(sp => new DeviceRegistry.Web.BackOffice.JobsBoard(
    sp.GetService<ISchedulerFactory>(), sp.GetRequiredService<RegistryClock>()));

// Durable background work on Hangfire in the registry database (BackgroundJobs:*, ADR 0004): SMS delivery with retries,
// an appeal decision's follow-ups. Without it, decision SMS go out within seconds by the delivery loop when an SMS
// gateway is configured (Sms:Gateway, docs/sms.md).
if (Settings.Read<BackgroundJobsSettings>(builder.Configuration, BackgroundJobsSettings.Section).Enabled)
{
    builder.Services.AddBackgroundJobs(builder.Configuration);
    builder.Services.AddBackgroundJobsDashboard();
}
else
{
    builder.Services.AddAppealMessageDelivery();
}

// What Kannel calls: delivery reports and the IMEI check by SMS (Sms:Kannel:CallbackToken, docs/sms.md).
builder.Services.AddKannelCallbacks();

builder.Services.AddStartupBanner();

// Metrics for Prometheus at /metrics (Metrics:*), traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set: docs/operations.md.
builder.Services.AddRegistryTelemetry(builder.Configuration);

var app = builder.Build();

app.UseSbaListenerPaths();
// Attach checks take their own short pipeline (protocol answers, routing, the endpoint): every EIR error is a 3GPP
// ProblemDetails (docs/eir.md), and nothing below (pages, sign-in, localisation) runs on them.
app.UseEirPipeline();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();
app.UseRegistryLocalization();
app.UseAuthentication();
app.UseStaffTwoFactorEnrolment();
app.UseAuthorization();

app.MapOpenApi();
app.MapRegistryHealthChecks();
app.MapRegistryMetrics();
app.MapPublicCheck();
app.MapKannelCallbacks();
app.MapOperatorLists();

app.MapRazorPages();
app.MapBackgroundJobsDashboard();

await app.RunAsync();

/// <summary>The web host's entry point, public and partial for WebApplicationFactory.</summary>
public partial class Program;

namespace DeviceRegistry.Web
{
    /// <summary>
    /// Names this assembly for WebApplicationFactory&lt;WebEntryPoint&gt;: the test project also sees the
    /// CLI's <c>Program</c> (InternalsVisibleTo), so a plain <c>Program</c> there is ambiguous.
    /// </summary>
    public sealed class WebEntryPoint
    {
        private WebEntryPoint()
        {
        }
    }
}
