using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>Blocks an IMEI reported stolen or lost (all of a device's IMEIs are reported one by one).</summary>
public sealed record ReportStolen(string Imei, string? Note = null) : IRequest<ImeiBlock>;

/// <summary>Lifts a Stolen block (the device was found or the report withdrawn).</summary>
public sealed record LiftStolenBlock(string Imei, string Reason) : IRequest<int>;

internal sealed class ReportStolenValidator : AbstractValidator<ReportStolen>
{
    public ReportStolenValidator()
    {
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (!Identifiers.Imei.TryParseFromPerson(text, out _, out var problem))
            {
                ctx.AddFailure(Identifiers.Imei.Describe(problem));
            }
        });
        RuleFor(x => x.Note).MaximumLength(1000);
    }
}

internal sealed class LiftStolenBlockValidator : AbstractValidator<LiftStolenBlock>
{
    public LiftStolenBlockValidator()
    {
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (!Identifiers.Imei.TryParseFromPerson(text, out _, out var problem))
            {
                ctx.AddFailure(Identifiers.Imei.Describe(problem));
            }
        });
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(100);
    }
}

internal sealed class ReportStolenHandler(RegistryDbContext db, Infrastructure.RegistryClock clock) : IRequestHandler<ReportStolen, ImeiBlock>
{
    public async Task<ImeiBlock> Handle(ReportStolen request, CancellationToken cancellationToken)
    {
        var imei = Imei.TryParseFromPerson(request.Imei, out var parsed, out var problem)
            ? parsed
            : throw new InvalidOperationException($"'{request.Imei}' is not an IMEI: {Imei.Describe(problem)}");
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.Set<ImeiBlock>()
            .FirstOrDefaultAsync(b => b.Imei == imei.Key && b.Reason == BlockReason.Stolen && b.LiftedAt == null, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var now = clock.UtcNow.UtcDateTime;
        var today = clock.Today();
        var block = await db.Set<ImeiBlock>().FirstOrDefaultAsync(
            b => b.Imei == imei.Key && b.Reason == BlockReason.Stolen && b.BlockedOn == today, cancellationToken);
        if (block is null)
        {
            block = new ImeiBlock { Imei = imei.Key, Reason = BlockReason.Stolen, BlockedOn = today, CreatedAt = now };
            db.Add(block);
        }

        // Reported, found and reported again on one day: the day's row is live again.
        block.LiftedAt = null;
        block.LiftReason = null;
        block.Note = request.Note;
        db.Add(new ImeiChange { Imei = imei.Key, Source = "stolen", ChangedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return block;
    }
}

internal sealed class LiftStolenBlockHandler(RegistryDbContext db, TimeProvider clock) : IRequestHandler<LiftStolenBlock, int>
{
    public async Task<int> Handle(LiftStolenBlock request, CancellationToken cancellationToken)
    {
        var imei = Imei.TryParseFromPerson(request.Imei, out var parsed, out var problem)
            ? parsed
            : throw new InvalidOperationException($"'{request.Imei}' is not an IMEI: {Imei.Describe(problem)}");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var blocks = await db.Set<ImeiBlock>()
            .Where(b => b.Imei == imei.Key && b.Reason == BlockReason.Stolen && b.LiftedAt == null).ToListAsync(cancellationToken);
        foreach (var block in blocks)
        {
            block.LiftedAt = now;
            block.LiftReason = request.Reason;
        }

        if (blocks.Count > 0)
        {
            db.Add(new ImeiChange { Imei = imei.Key, Source = "stolen", ChangedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return blocks.Count;
    }
}
