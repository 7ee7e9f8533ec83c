using System.CommandLine;
using DeviceRegistry.Operators;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class OperatorVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var command = new Command("operator", "Manage mobile operators and their API credentials for the EIR (N5g-eir).");
        var name = new Argument<string>("NAME") { Description = "The operator's name, e.g. Azercell" };
        var add = new Command("add",
            "Create the operator if new and issue its API secret, printed once (send it as 'Authorization: Bearer SECRET'). "
            + "Only a PBKDF2 hash is stored; running it again for the same operator issues a new secret and the old one stops working.");
        add.Arguments.Add(name);
        add.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new AddOperator(parse.GetValue(name)!, StaffActor.Console(Environment.UserName)), ct);
            await context.Out.WriteLineAsync(result.Created
                ? $"operator {result.Name} created (id {result.OperatorId})"
                : $"operator {result.Name} (id {result.OperatorId}) has a new secret; the previous one no longer works");
            await context.Out.WriteLineAsync($"secret: {result.Secret}");
            await context.Out.WriteLineAsync("Store it now: it is not shown again and cannot be recovered.");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(add);
        return command;
    }
}
