using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Data;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Clones;

/// <summary>Run clone detection as of a date with the configured rules, or with the rules of a file.</summary>
public sealed record DetectClones(DateOnly? AsOf = null, string? RulesFile = null) : IRequest<DetectClonesResult>;

public sealed record DetectClonesResult(
    DateOnly AsOf,
    DateOnly RangeStart,
    long RowsRead,
    long ImeisEvaluated,
    long AlreadyClones,
    int NewClones,
    int AllowedPairsAdded,
    IReadOnlyDictionary<string, int> NewClonesByRule,
    TimeSpan Elapsed);

/// <summary>The run would flag more than CloneDetection:MaxFlaggedShare of the IMEIs: refused, nothing recorded.</summary>
public sealed class CloneSafetyCheckException(string message) : InvalidOperationException(message);

public sealed class DetectClonesValidator : AbstractValidator<DetectClones>
{
    public DetectClonesValidator()
    {
        RuleFor(x => x.AsOf)
            .Must(d => d is null || (d.Value.Year >= 2000 && d.Value.Year <= 2100))
            .WithMessage("the as-of date must be between 2000 and 2100");
        RuleFor(x => x.RulesFile)
            .Must(f => f is null || File.Exists(f))
            .WithMessage(x => $"the rules file '{x.RulesFile}' does not exist");
    }
}

/// <summary>
/// Evaluates the rules over the sightings (streamed, see <see cref="CloneEvaluator"/>) and records, in
/// one transaction, each new clone: its verdict with evidence, the IMSIs already on it (allowed to
/// keep attaching), a history row and an imei_changes row. Verdicts are sticky: IMEIs already clones
/// are not re-evaluated, so a second run with the same as-of date changes nothing.
/// </summary>
internal sealed class DetectClonesHandler(RegistryDatabase database, RegistryDbContext context, IConfiguration configuration, TimeProvider clock)
    : IRequestHandler<DetectClones, DetectClonesResult>
{
    public const string MaxFlaggedShareKey = "CloneDetection:MaxFlaggedShare";
    public const double DefaultMaxFlaggedShare = 0.10;

    public async Task<DetectClonesResult> Handle(DetectClones request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var rules = request.RulesFile is null
            ? CloneRuleParser.FromConfiguration(configuration)
            : CloneRuleParser.FromFile(request.RulesFile);
        var maxShare = MaxFlaggedShare(configuration);
        var now = clock.GetUtcNow().UtcDateTime;
        var asOf = request.AsOf ?? DateOnly.FromDateTime(now);

        var existing = await context.Set<CloneStatus>().AsNoTracking()
            .Select(s => new { s.Imei, s.Status, s.Since })
            .ToListAsync(cancellationToken);
        var clones = existing.Where(s => s.Status == CloneStatusValues.Clone).Select(s => s.Imei).ToHashSet();
        var cleared = existing.Where(s => s.Status == CloneStatusValues.Cleared).ToDictionary(s => s.Imei, s => s.Since);

        var evaluation = await new CloneEvaluator(database).EvaluateAsync(rules, asOf, clones, cleared, cancellationToken);
        var matches = evaluation.Matches;
        var total = evaluation.ImeisEvaluated + evaluation.ImeisSkipped;
        if (matches.Count > 0 && matches.Count > maxShare * total)
        {
            throw new CloneSafetyCheckException(string.Create(CultureInfo.InvariantCulture,
                $"Safety check: this run would give clone status to {matches.Count} of the {total} IMEIs seen ({(double)matches.Count / total:P1}), more than {MaxFlaggedShareKey} ({maxShare:P1}). Nothing was recorded; check the rules and the sightings, or raise the setting."));
        }

        var pairs = 0;
        if (matches.Count > 0)
        {
            var reflagged = matches.Where(m => cleared.ContainsKey(m.Imei)).Select(m => m.Imei).ToList();
            pairs = await new CloneVerdictWriter(database).WriteAsync(matches, reflagged, asOf, now, cancellationToken);
        }

        var byRule = matches.GroupBy(m => m.Rule, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new DetectClonesResult(asOf, evaluation.RangeStart, evaluation.RowsRead, evaluation.ImeisEvaluated,
            evaluation.ImeisSkipped, matches.Count, pairs, byRule, stopwatch.Elapsed);
    }

    private static double MaxFlaggedShare(IConfiguration configuration)
    {
        var text = configuration[MaxFlaggedShareKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultMaxFlaggedShare;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share <= 0 || share > 1)
        {
            throw new InvalidOperationException($"{MaxFlaggedShareKey} is '{text}'; it must be a share greater than 0 and at most 1 (e.g. 0.10).");
        }

        return share;
    }
}
