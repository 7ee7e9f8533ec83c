using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Operators;

/// <summary>
/// Creates an operator, or gives an existing one a new API secret (the old one stops working).
/// The secret is returned once and only its keyed hash (HMAC-SHA-256 with the server's <see cref="OperatorCredentialKey"/>) is stored;
/// re-issuing is also how a legacy PBKDF2 hash is upgraded (<c>devreg operator rotate</c>). With an <paramref name="Actor"/> the change is
/// audited (<see cref="AuditActions.OperatorAdded"/> or <see cref="AuditActions.OperatorSecretReissued"/>) in the
/// same transaction; the audit entry names the operator, never the secret or its hash.
/// </summary>
public sealed record AddOperator(string Name, StaffActor? Actor = null) : IRequest<AddOperatorResult>;

public sealed record AddOperatorResult(int OperatorId, string Name, string Secret, bool Created);

public sealed class AddOperatorValidator : AbstractValidator<AddOperator>
{
    public AddOperatorValidator()
    {
        RuleFor(x => x.Name)
            .NotEmpty().WithMessage("the operator name is empty")
            .MaximumLength(100).WithMessage("an operator name has at most 100 characters")
            .Must(n => n is null || n.Trim() == n).WithMessage("an operator name has no leading or trailing spaces");
    }
}

internal sealed class AddOperatorHandler(RegistryDbContext db, TimeProvider clock, OperatorCredentialKey key) : IRequestHandler<AddOperator, AddOperatorResult>
{
    public async Task<AddOperatorResult> Handle(AddOperator request, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.Operators.SingleOrDefaultAsync(o => o.Name == request.Name, cancellationToken);
        var created = existing is null;
        var entity = existing ?? new Operator { Name = request.Name, CreatedAt = clock.GetUtcNow().UtcDateTime };
        if (created)
        {
            db.Operators.Add(entity);
            // The secret names the operator id, so the row needs its id before the secret exists.
            await db.SaveChangesAsync(cancellationToken);
        }

        var hadSecret = entity.SecretHash is not null;
        var secret = OperatorSecret.Generate(entity.Id);
        entity.SecretHash = OperatorSecret.HashHmac(secret, key);
        if (request.Actor is { } actor)
        {
            AuditLog.Record(db, actor, created ? AuditActions.OperatorAdded : AuditActions.OperatorSecretReissued,
                "operator:" + entity.Name, clock.GetUtcNow().UtcDateTime,
                before: created ? null : new { entity.Id, entity.Name, CredentialSet = hadSecret },
                after: new { entity.Id, entity.Name, CredentialSet = true });
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new AddOperatorResult(entity.Id, entity.Name, secret, created);
    }
}
