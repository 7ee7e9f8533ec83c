using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Sightings;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

/// <summary><c>devreg roll-up</c>: folds the sightings that deferred ingests and EIR checks appended (Sightings:DeferMerge) into the store now.</summary>
internal sealed class RollUpVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("roll-up",
            "Fold the sightings that deferred ingests and EIR checks (Sightings:DeferMerge=true) appended into the store: the month rows, the IMEIs " +
            "seen, the registration windows they start. The web host does it at Sightings:RollUpCron; readers see pending sightings meanwhile.");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RollUpSightings(), ct);
            await context.Out.WriteLineAsync(Summary(result));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Summary(RollUpResult r)
    {
        var c = r.Counts;
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            roll-up: {r.PendingRows:N0} pending sightings folded
              sightings (IMEI-IMSI-operator-month): {c.NewSightings:N0} new, {c.ChangedSightings:N0} merged, {c.UnchangedSightings:N0} already known
              IMEIs: {c.NewImeis:N0} new, {c.ChangedImeis:N0} known IMEIs updated; registration windows started or moved earlier: {c.WindowStarts:N0}
              {r.Elapsed.TotalSeconds:0.00} s
            """);
    }
}
