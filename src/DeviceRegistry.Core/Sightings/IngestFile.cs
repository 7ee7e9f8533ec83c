using DeviceRegistry.Data;
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

public sealed class IngestFileHandler(RegistryDatabase database, IngestSettings settings, Infrastructure.RegistryClock clock, Identifiers.HomeNetworks homeNetworks)
    : IRequestHandler<IngestFile, IngestFileResult>
{
    public Task<IngestFileResult> Handle(IngestFile request, CancellationToken cancellationToken)
    {
        var ingester = new AttachLogIngester(database, settings, clock, homeNetworks);
        return ingester.IngestAsync(request.Path, request.OperatorName?.Trim(), request.MaxBadRatio, request.Progress, cancellationToken);
    }
}
