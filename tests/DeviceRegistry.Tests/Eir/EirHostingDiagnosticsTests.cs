using DeviceRegistry.Data;
using DeviceRegistry.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Tests.Eir;

/// <summary>
/// ASP.NET Core's hosting creates an Activity and a logging scope for every request while its diagnostics category is
/// enabled at any level; the web host turns that category off unless the configuration names it (docs/eir.md).
/// </summary>
public sealed class EirHostingDiagnosticsTests
{
    private const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task The_hosting_diagnostics_category_is_off_by_default_and_a_configured_level_is_kept()
    {
        await using (var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
        }))
        {
            var logger = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
            Assert.False(logger.IsEnabled(LogLevel.Critical));
            // Other categories keep the host's levels.
            Assert.True(web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
        }

        await using var configured = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Logging:LogLevel:microsoft.aspnetcore.hosting.diagnostics"] = "Information",
        });
        var kept = configured.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        Assert.True(kept.IsEnabled(LogLevel.Information));
        Assert.False(kept.IsEnabled(LogLevel.Debug));
    }
}
