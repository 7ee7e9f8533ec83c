using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeviceRegistry.Devices;
using DeviceRegistry.Eir;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class CheckVerb : ICliVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public Command Build(CliContext context)
    {
        var imei = new Argument<string>("IMEI") { Description = "The IMEI (15 digits with a valid check digit, 14, or a 16-digit IMEISV)." };
        var imsi = new Option<string?>("--imsi") { Description = "The subscriber's IMSI, to decide as an attach check of that IMEI-IMSI pair would (a clone's allowed pairs, roamers)." };
        var json = new Option<bool>("--json") { Description = "Print JSON: {decision, reasonCode, reason, public, operator}; decision is the EIR's status word, or ERROR_EQUIPMENT_UNKNOWN where the EIR answers 404." };
        var asOf = new Option<string?>("--as-of") { Description = "Evaluate as of YYYY-MM-DD (default today)." };
        var command = new Command("check",
            "Print the decision an attach check would get (WHITELISTED, GREYLISTED, BLACKLISTED) and what the public IMEI check shows (never an IMSI, number or owner). Exit 1 for BLACKLISTED.")
        {
            imei, imsi, json, asOf,
        };
        command.SetAction(async (parse, ct) =>
        {
            var date = CliValues.ParseDate("--as-of", parse.GetValue(asOf));
            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var status = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new GetImeiStatus(parse.GetValue(imei)!, parse.GetValue(imsi), date), ct);
            var publicView = status.ToPublic();
            var decision = EquipmentStatusWords.Of(status.Decision);
            if (parse.GetValue(json))
            {
                var document = new
                {
                    imei = status.Imei.ToString(),
                    decision,
                    reasonCode = status.Reason.ToString(),
                    reason = status.DecisionReason,
                    @public = publicView,
                    @operator = new { status.RegistrationId, status.RegistrationStatus, status.FirstSeen, status.LastSeen, status.CloneSince, status.ImsiAllowedOnClone },
                };
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(document, Json));
            }
            else
            {
                var o = context.Out;
                await o.WriteLineAsync($"IMEI {status.Imei} ({status.Brand ?? "unknown brand"} {status.Model ?? "unknown model"})");
                await o.WriteLineAsync($"decision: {decision} ({status.DecisionReason})");
                await o.WriteLineAsync($"public status: {publicView.Status}");
                if (publicView.Deadline is { } deadline && publicView.Status is DeviceStatus.InWindow or DeviceStatus.WindowEnded)
                {
                    await o.WriteLineAsync($"  register by: {deadline:yyyy-MM-dd} (day {publicView.DayOfWindow} of {status.WindowDays})");
                }

                if (publicView.DutyHintAzn is { } duty)
                {
                    await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  duty: {duty:0.00} AZN ({publicView.DutyHintBasis})"));
                }

                if (publicView.Registered)
                {
                    await o.WriteLineAsync($"  registered since {publicView.RegisteredSince:yyyy-MM-dd}");
                }

                if (publicView.AwaitingPayment)
                {
                    await o.WriteLineAsync("  registration awaiting payment of the duty");
                }

                if (publicView.BlockedSince is { } blocked)
                {
                    await o.WriteLineAsync($"  blocked since {blocked:yyyy-MM-dd}");
                }
            }

            return status.Decision == EquipmentStatus.Blacklisted ? ExitCodes.Rejected : ExitCodes.Ok;
        });
        return command;
    }
}
