using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Data;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Clones;

/// <summary>
/// Run clone detection as of a date (the registry's today by default) with the configured rules, or with the rules of
/// a file; over every IMEI, or only over <paramref name="Imeis"/> (continuous detection, <see cref="DetectQueuedClones"/>).
/// </summary>
public sealed record DetectClones(DateOnly? AsOf = null, string? RulesFile = null, IReadOnlyCollection<long>? Imeis = null)
    : IRequest<DetectClonesResult>;

public sealed record DetectClonesResult(
    DateOnly AsOf,
    DateOnly RangeStart,
    long RowsRead,
    long ImeisEvaluated,
    long AlreadyClones,
    int NewClones,
    int AllowedPairsAdded,
    IReadOnlyDictionary<string, int> NewClonesByRule,
    TimeSpan Elapsed)
{
    /// <summary>Of <see cref="NewClones"/>, the IMEIs cleared before (an appeal) and flagged again.</summary>
    public int Reflagged { get; init; }
}

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
/// are not re-evaluated, so a second run with the same as-of date changes nothing. A run scoped to some
/// IMEIs applies the same rules and writes the same rows; its safety check measures its new clones
/// against every IMEI seen in the rules' range (seen_imeis), the population a full run measures against.
/// </summary>
internal sealed class DetectClonesHandler(RegistryDatabase database, RegistryDbContext context, CloneDetectionSettings settings, Infrastructure.RegistryClock clock,
    Identifiers.HomeNetworks homeNetworks)
    : IRequestHandler<DetectClones, DetectClonesResult>
{
    /// <summary>Runs detection in a trace span of its own and records it on the registry's detection instruments (<see cref="Infrastructure.RegistryTelemetry"/>).</summary>
    public async Task<DetectClonesResult> Handle(DetectClones request, CancellationToken cancellationToken)
    {
        var scope = new KeyValuePair<string, object?>(Infrastructure.RegistryTelemetry.Tags.Scope, request.Imeis is null ? "full" : "queued");
        using var span = Infrastructure.RegistryTelemetry.ActivitySource.StartActivity("devreg.detect");
        span?.SetTag("devreg.detect.scope", scope.Value);
        var started = Stopwatch.GetTimestamp();
        string outcome = "failed";
        try
        {
            var result = await DetectAsync(request, cancellationToken);
            outcome = "completed";
            span?.SetTag("devreg.detect.as_of", result.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            span?.SetTag("devreg.detect.imeis_evaluated", result.ImeisEvaluated);
            span?.SetTag("devreg.detect.new_clones", result.NewClones);
            var verdicts = Infrastructure.RegistryTelemetry.DetectionVerdicts;
            var reflagged = result.Reflagged;
            CountVerdicts(verdicts, scope, "new_clone", result.NewClones - reflagged);
            CountVerdicts(verdicts, scope, "reflagged", reflagged);
            CountVerdicts(verdicts, scope, "still_clone", result.AlreadyClones);
            CountVerdicts(verdicts, scope, "not_clone", result.ImeisEvaluated - result.NewClones);
            return result;
        }
        catch (CloneSafetyCheckException)
        {
            outcome = "refused";
            span?.SetStatus(ActivityStatusCode.Error, "refused by the safety check");
            throw;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            var tagOutcome = new KeyValuePair<string, object?>(Infrastructure.RegistryTelemetry.Tags.Outcome, outcome);
            Infrastructure.RegistryTelemetry.DetectionRuns.Add(1, scope, tagOutcome);
            Infrastructure.RegistryTelemetry.DetectionDuration.Record(Infrastructure.RegistryTelemetry.SecondsSince(started), scope, tagOutcome);
        }
    }

    private static void CountVerdicts(System.Diagnostics.Metrics.Counter<long> verdicts, KeyValuePair<string, object?> scope, string verdict, long count)
    {
        if (count > 0)
        {
            verdicts.Add(count, scope, new KeyValuePair<string, object?>(Infrastructure.RegistryTelemetry.Tags.Verdict, verdict));
        }
    }

    private async Task<DetectClonesResult> DetectAsync(DetectClones request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var rules = request.RulesFile is null
            ? settings.Rules
            : CloneRuleParser.FromFile(request.RulesFile);
        var maxShare = settings.MaxFlaggedShare;
        var now = clock.UtcNow.UtcDateTime;
        var asOf = request.AsOf ?? clock.Today();

        var existing = await context.Set<CloneStatus>().AsNoTracking()
            .Select(s => new { s.Imei, s.Status, s.Since })
            .ToListAsync(cancellationToken);
        var clones = existing.Where(s => s.Status == CloneStatusValues.Clone).Select(s => s.Imei).ToHashSet();
        var cleared = existing.Where(s => s.Status == CloneStatusValues.Cleared).ToDictionary(s => s.Imei, s => s.Since);

        var evaluation = await new CloneEvaluator(database, homeNetworks).EvaluateAsync(rules, asOf, clones, cleared, request.Imeis, cancellationToken);
        var matches = evaluation.Matches;
        var total = evaluation.ImeisEvaluated + evaluation.ImeisSkipped;
        if (request.Imeis is not null && matches.Count > 0)
        {
            var rangeStart = evaluation.RangeStart;
            // The IMEIs evaluated were seen too, though seen_imeis learns those of deferred ingests only at the roll-up.
            total = Math.Max(total, await context.SeenImeis.AsNoTracking()
                .LongCountAsync(s => s.LastSeen >= rangeStart && s.FirstSeen <= asOf, cancellationToken));
        }

        if (matches.Count > 0 && matches.Count > maxShare * total)
        {
            throw new CloneSafetyCheckException(string.Create(CultureInfo.InvariantCulture,
                $"Safety check: this run would give clone status to {matches.Count} of the {total} IMEIs seen ({(double)matches.Count / total:P1}), more than {CloneDetectionSettings.Section}:MaxFlaggedShare ({maxShare:P1}). Nothing was recorded; check the rules and the sightings, or raise the setting."));
        }

        var pairs = 0;
        var reflaggedCount = 0;
        if (matches.Count > 0)
        {
            var reflagged = matches.Where(m => cleared.ContainsKey(m.Imei)).Select(m => m.Imei).ToList();
            reflaggedCount = reflagged.Count;
            pairs = await new CloneVerdictWriter(database).WriteAsync(matches, reflagged, asOf, now, cancellationToken);
        }

        var byRule = matches.GroupBy(m => m.Rule, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new DetectClonesResult(asOf, evaluation.RangeStart, evaluation.RowsRead, evaluation.ImeisEvaluated,
            evaluation.ImeisSkipped, matches.Count, pairs, byRule, stopwatch.Elapsed) { Reflagged = reflaggedCount };
    }
}

/// <summary>The <c>CloneDetection</c> section: the rules (<c>Rules</c>, parsed by <see cref="CloneRuleParser"/>) and the safety check.</summary>
public sealed class CloneDetectionSettings : Infrastructure.ISettingsSection
{
    public const string Section = "CloneDetection";

    /// <summary>A run that would flag more than this share of the IMEIs is refused (DIRBS's safety check).</summary>
    public double MaxFlaggedShare { get; set; } = 0.10;

    /// <summary>The configured rules, or the project's defaults.</summary>
    public CloneRuleSet Rules { get; private set; } = CloneRuleSet.Defaults;

    public IEnumerable<string> OtherKeys => ["Rules"];

    public void BindOther(Microsoft.Extensions.Configuration.IConfigurationSection section, List<string> problems)
    {
        try
        {
            Rules = CloneRuleParser.FromSection(section.GetSection("Rules"));
        }
        catch (CloneRulesException ex)
        {
            problems.AddRange(ex.Problems);
        }
    }

    public IEnumerable<string> Validate(string section)
    {
        if (MaxFlaggedShare is <= 0 or > 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{section}:MaxFlaggedShare is {MaxFlaggedShare}; it must be a share greater than 0 and at most 1 (e.g. 0.10)");
        }
    }
}
