using System.CommandLine;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DeviceRegistry.Cli;

/// <summary>A devreg verb. Each verb lives in its own file under Verbs/ and is found by reflection.</summary>
internal interface ICliVerb
{
    Command Build(CliContext context);
}

/// <summary>Exit codes of devreg (docs/reference.md): 0 success, 1 input rejected or check failed, 2 usage error.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Rejected = 1;
    public const int Usage = 2;
}

/// <summary>What a verb needs: its output streams and the registry's services.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? settings)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>
    /// The same files in the same order as the web host: appsettings.json and appsettings.{Environment}.json
    /// beside the program (the web project's files, linked into both builds), then environment variables.
    /// The environment is ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT, Production when neither is set.
    /// </summary>
    public IConfiguration BuildConfiguration()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? "Production";
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables();
        if (settings is not null)
        {
            builder.AddInMemoryCollection(settings);
        }

        return builder.Build();
    }

    /// <summary>
    /// The registry's services over a database whose schema is up to date: like the web host, every
    /// verb that touches the database first applies any schema script not yet applied (cheap when
    /// there is none), so a verb never fails on a missing table. Every setting is validated first, and
    /// log lines go to standard error (plain lines; <c>Logging:Console:FormatterName=json</c> for JSON).
    /// </summary>
    public ServiceProvider BuildServices(bool ensureSchema = true)
    {
        var configuration = BuildConfiguration();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            logging.AddJsonConsole();
        });
        services.AddDeviceRegistry(configuration);
        if (RegistryTelemetry.OtlpEndpoint(configuration) is not null)
        {
            // The registry's instruments record in devreg as in the web host; only its trace spans leave the process (OTLP).
            services.AddOpenTelemetry().ConfigureResource(r => r.AddService("devreg"))
                .WithTracing(t => t.AddSource(RegistryTelemetry.Name).AddOtlpExporter());
        }

        var provider = services.BuildServiceProvider();
        provider.ValidateSettings();
        // Started now (no host here to start it); disposing the services flushes the spans.
        _ = provider.GetService<TracerProvider>();
        if (ensureSchema)
        {
            provider.GetRequiredService<SchemaMigrator>().MigrateAsync().GetAwaiter().GetResult();
        }

        return provider;
    }
}

public static class DevReg
{
    /// <summary>Runs devreg; <paramref name="settings"/> overrides configuration (tests point it at their database).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string?>? settings = null, CancellationToken ct = default)
    {
        var context = new CliContext(output, error, settings);
        var root = new RootCommand("devreg: the DeviceRegistry command-line tool (IMEI registration and clone detection)");
        var verbs = typeof(DevReg).Assembly.GetTypes()
            .Where(t => typeof(ICliVerb).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .Select(t => (ICliVerb)Activator.CreateInstance(t)!)
            .Select(v => v.Build(context))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var verb in verbs)
        {
            root.Subcommands.Add(verb);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                await error.WriteLineAsync($"devreg: {e.Message}");
            }

            await error.WriteLineAsync("Run 'devreg --help' or 'devreg VERB --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (ValidationException ex)
        {
            foreach (var failure in ex.Errors)
            {
                await error.WriteLineAsync($"devreg: {failure.PropertyName}: {failure.ErrorMessage}");
            }

            return ExitCodes.Rejected;
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync($"devreg: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (SettingsException ex)
        {
            foreach (var problem in ex.Problems)
            {
                await error.WriteLineAsync($"devreg: setting: {problem}");
            }

            return ExitCodes.Usage;
        }
        catch (InvalidOperationException ex) when (ex.Source is "DeviceRegistry.Core" or "devreg")
        {
            await error.WriteLineAsync($"devreg: {ex.Message}");
            return ExitCodes.Rejected;
        }
        catch (System.Data.Common.DbException ex)
        {
            // The database refused or could not be reached: say which, without a stack trace.
            await error.WriteLineAsync($"devreg: database error: {ex.Message}");
            await error.WriteLineAsync("Check Database:Provider and ConnectionStrings:Registry (appsettings.json or environment variables).");
            return ExitCodes.Rejected;
        }
    }
}

/// <summary>Thrown by a verb for a usage mistake the parser could not see (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
