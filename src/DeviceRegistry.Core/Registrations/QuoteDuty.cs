using DeviceRegistry.Data;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>The state duty a registration on <see cref="Date"/> would be charged (today when null).</summary>
public sealed record QuoteDuty(decimal? PriceUsd, DateOnly? Date = null, bool BasicPhone = false, bool UnlistedModel = false) : IRequest<DutyQuote>;

internal sealed class QuoteDutyValidator : AbstractValidator<QuoteDuty>
{
    public QuoteDutyValidator()
    {
        RuleFor(x => x.PriceUsd).NotNull().When(x => !x.UnlistedModel)
            .WithMessage("give the market price in USD (or say the model is not on the price list)");
        RuleFor(x => x.PriceUsd!.Value).GreaterThan(0).OverridePropertyName("PriceUsd").When(x => x.PriceUsd is not null)
            .WithMessage("the price must be more than 0 USD");
        RuleFor(x => x.PriceUsd!.Value).PrecisionScale(12, 2, ignoreTrailingZeros: true).OverridePropertyName("PriceUsd").When(x => x.PriceUsd is not null)
            .WithMessage("the price is in USD with at most 2 decimals (cents)");
    }
}

internal sealed class QuoteDutyHandler(RegistryDbContext db, Infrastructure.RegistryClock clock) : IRequestHandler<QuoteDuty, DutyQuote>
{
    public async Task<DutyQuote> Handle(QuoteDuty request, CancellationToken cancellationToken)
    {
        var date = request.Date ?? clock.Today();
        var tariff = await db.Set<DutyTariff>().AsNoTracking().ToListAsync(cancellationToken);
        return DutyCalculator.Quote(tariff, date, request.PriceUsd, request.BasicPhone, request.UnlistedModel);
    }
}
