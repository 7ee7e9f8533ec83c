using System.Diagnostics;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Sightings;

/// <summary>Load one attach-log file into the sightings store (<c>devreg ingest</c>).</summary>
public sealed record IngestFile(string Path, string? OperatorName = null, double MaxBadRatio = IngestFile.DefaultMaxBadRatio) : IRequest<IngestFileResult>
{
    public const double DefaultMaxBadRatio = 0.05;

    /// <summary>operators.name is varchar(100).</summary>
    public const int MaxOperatorNameLength = 100;

    /// <summary>Told how far the file has been read (the CLI draws a progress bar with it).</summary>
    public IProgress<IngestProgress>? Progress { get; init; }
}

public sealed class IngestFileValidator : AbstractValidator<IngestFile>
{
    public IngestFileValidator()
    {
        RuleFor(x => x.Path).NotEmpty().WithMessage("name the attach-log file to load");
        RuleFor(x => x.MaxBadRatio).InclusiveBetween(0.0, 1.0)
            .WithMessage("--max-bad-ratio is the allowed share of bad rows, from 0 to 1 (e.g. 0.05 for 5%)");
        RuleFor(x => x.OperatorName)
            .Must(name => name is null || name.Trim().Length is > 0 and <= IngestFile.MaxOperatorNameLength)
            .WithMessage($"--operator must be a name of 1 to {IngestFile.MaxOperatorNameLength} characters");
    }
}

public sealed class IngestFileHandler(RegistryDatabase database, IngestSettings settings, SightingsSettings sightings, Infrastructure.RegistryClock clock,
    Identifiers.HomeNetworks homeNetworks)
    : IRequestHandler<IngestFile, IngestFileResult>
{
    /// <summary>Ingests the file in a trace span of its own and records it on the registry's ingest instruments (<see cref="RegistryTelemetry"/>).</summary>
    public async Task<IngestFileResult> Handle(IngestFile request, CancellationToken cancellationToken)
    {
        using var span = RegistryTelemetry.ActivitySource.StartActivity("devreg.ingest");
        span?.SetTag("devreg.ingest.file", System.IO.Path.GetFileName(request.Path));
        var started = Stopwatch.GetTimestamp();
        var ingester = new AttachLogIngester(database, settings, sightings, clock, homeNetworks);
        IngestFileResult result;
        try
        {
            result = await ingester.IngestAsync(request.Path, request.OperatorName?.Trim(), request.MaxBadRatio, request.Progress, cancellationToken);
        }
        catch (Exception ex)
        {
            var failed = new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Outcome, "failed");
            RegistryTelemetry.IngestFiles.Add(1, failed);
            RegistryTelemetry.IngestDuration.Record(RegistryTelemetry.SecondsSince(started), failed);
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }

        var outcome = new KeyValuePair<string, object?>(RegistryTelemetry.Tags.Outcome, result.Outcome switch
        {
            IngestOutcome.Accepted => "accepted",
            IngestOutcome.Rejected => "rejected",
            _ => "missing",
        });
        RegistryTelemetry.IngestFiles.Add(1, outcome);
        RegistryTelemetry.IngestRowsRead.Add(result.Rows);
        RegistryTelemetry.IngestRowsMerged.Add(result.AcceptedRows);
        RegistryTelemetry.IngestRowsRejected.Add(result.BadRows, outcome);
        RegistryTelemetry.IngestDuration.Record(RegistryTelemetry.SecondsSince(started), outcome);
        span?.SetTag("devreg.ingest.outcome", outcome.Value);
        span?.SetTag("devreg.ingest.rows", result.Rows);
        span?.SetTag("devreg.ingest.bad_rows", result.BadRows);
        span?.SetTag("devreg.ingest.new_sightings", result.Counts.NewSightings);
        if (result.Outcome != IngestOutcome.Accepted)
        {
            // The reason (result.Message) stays in the log and ingest_runs, out of the trace: it may quote the file.
            span?.SetStatus(ActivityStatusCode.Error, "file " + outcome.Value);
        }

        return result;
    }
}
