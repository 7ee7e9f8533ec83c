using DeviceRegistry.Data;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Operators;

/// <summary>Every operator, by name, with whether it has an API credential (never the hash).</summary>
public sealed record ListOperators : IRequest<IReadOnlyList<OperatorRow>>;

public sealed record OperatorRow(int Id, string Name, DateTime CreatedAt, bool CredentialSet);

internal sealed class ListOperatorsHandler(RegistryDbContext db) : IRequestHandler<ListOperators, IReadOnlyList<OperatorRow>>
{
    public async Task<IReadOnlyList<OperatorRow>> Handle(ListOperators request, CancellationToken cancellationToken)
    {
        var rows = await db.Operators.AsNoTracking()
            .Select(o => new OperatorRow(o.Id, o.Name, o.CreatedAt, o.SecretHash != null))
            .ToListAsync(cancellationToken);
        return rows.OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
    }
}
