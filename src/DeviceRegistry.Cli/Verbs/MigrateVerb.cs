using System.CommandLine;
using DeviceRegistry.Data;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class MigrateVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("migrate", "Create or upgrade the database schema (versioned SQL scripts, recorded with checksums).");
        command.SetAction(async (_, ct) =>
        {
            await using var services = context.BuildServices(ensureSchema: false);
            var database = services.GetRequiredService<RegistryDatabase>();
            var result = await services.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
            foreach (var script in result.Applied)
            {
                await context.Out.WriteLineAsync($"applied {script.Version}_{script.Name}");
            }

            await context.Out.WriteLineAsync(
                $"schema up to date on {database.Provider}: {result.Applied.Count} script(s) applied, {result.AlreadyApplied} already in place");
            return ExitCodes.Ok;
        });
        return command;
    }
}
