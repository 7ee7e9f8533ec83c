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
            + "Only a keyed hash (HMAC-SHA-256 with the server's credential key) is stored; running it again for the same operator issues a new secret and the old one stops working.");
        add.Arguments.Add(name);
        add.SetAction(async (parse, ct) =>
        {
            await using var services = context.BuildServices();
            // The credential key first: a missing one is reported as the setting it is.
            services.GetRequiredService<OperatorCredentialKey>();
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

        var rotateName = new Argument<string>("NAME") { Description = "An existing operator's name" };
        var rotate = new Command("rotate",
            "Issue an existing operator a new API secret, printed once; the old one stops working within seconds. "
            + "The new secret is stored as HMAC-SHA-256: rotating is how an operator still on a PBKDF2 hash (slow to check) is upgraded.");
        rotate.Arguments.Add(rotateName);
        rotate.SetAction(async (parse, ct) =>
        {
            var operatorName = parse.GetValue(rotateName)!;
            await using var services = context.BuildServices();
            // The credential key first: a missing one is reported as the setting it is.
            services.GetRequiredService<OperatorCredentialKey>();
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var known = await mediator.Send(new ListOperators(), ct);
            if (!known.Any(o => o.Name == operatorName))
            {
                await context.Error.WriteLineAsync($"devreg: no operator is named {operatorName}; 'devreg operator add {operatorName}' creates one");
                return ExitCodes.Rejected;
            }

            var result = await mediator.Send(new AddOperator(operatorName, StaffActor.Console(Environment.UserName)), ct);
            await context.Out.WriteLineAsync($"operator {result.Name} (id {result.OperatorId}) has a new secret; the previous one no longer works");
            await context.Out.WriteLineAsync($"secret: {result.Secret}");
            await context.Out.WriteLineAsync("Store it now: it is not shown again and cannot be recovered.");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(rotate);
        return command;
    }
}
