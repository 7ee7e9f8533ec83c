using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Sightings;

/// <summary>
/// <c>Ingest:UtcOffset</c> (the offset whose local date a timestamp is counted on; default +04:00,
/// Baku) and <c>Ingest:BufferSize</c> (how many distinct sighting keys are aggregated in memory
/// before a chunk is merged; default 500,000, about 60 MB).
/// </summary>
public sealed record IngestSettings
{
    public static readonly TimeSpan DefaultUtcOffset = TimeSpan.FromHours(4);

    public TimeSpan UtcOffset { get; init; } = DefaultUtcOffset;

    public int BufferSize { get; init; } = 500_000;

    public static IngestSettings FromConfiguration(IConfiguration configuration)
    {
        var settings = new IngestSettings();
        var offsetText = configuration["Ingest:UtcOffset"];
        if (!string.IsNullOrWhiteSpace(offsetText))
        {
            settings = settings with { UtcOffset = ParseOffset(offsetText) };
        }

        var bufferText = configuration["Ingest:BufferSize"];
        if (!string.IsNullOrWhiteSpace(bufferText))
        {
            if (!int.TryParse(bufferText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw new InvalidOperationException($"Ingest:BufferSize is '{bufferText}'; it must be a whole number of at least 1.");
            }

            settings = settings with { BufferSize = size };
        }

        return settings;
    }

    /// <summary>Reads <c>Z</c>, <c>+04:00</c>, <c>-03:30</c> or <c>+0530</c>.</summary>
    public static TimeSpan ParseOffset(string text)
    {
        var t = text.Trim();
        if (t is "Z" or "z")
        {
            return TimeSpan.Zero;
        }

        var negative = t.StartsWith('-');
        var body = t.TrimStart('+', '-').Replace(":", "", StringComparison.Ordinal);
        if (body.Length is 2 or 4 && body.All(char.IsAsciiDigit))
        {
            var hours = int.Parse(body.AsSpan(0, 2), CultureInfo.InvariantCulture);
            var minutes = body.Length == 4 ? int.Parse(body.AsSpan(2, 2), CultureInfo.InvariantCulture) : 0;
            if (hours <= 14 && minutes <= 59)
            {
                var offset = new TimeSpan(hours, minutes, 0);
                return negative ? -offset : offset;
            }
        }

        throw new InvalidOperationException($"Ingest:UtcOffset is '{text}'; write it as Z or ±hh:mm, e.g. +04:00.");
    }
}
