using System.Globalization;

namespace DeviceRegistry.Demo;

/// <summary>How the attach logs are written: the shapes operators actually deliver.</summary>
public enum DemoFileShape
{
    /// <summary>One attach log, timestamps in Baku local time (+04:00): the generator's days are the registry's days.</summary>
    LocalTimestamps,

    /// <summary>One attach log, timestamps in UTC (Z): the generator's days are UTC days, so events after 20:00 UTC count on the next Baku day.</summary>
    UtcTimestamps,

    /// <summary>DIRBS operator files, one per operator: <c>date,imei,imsi,msisdn</c>, dates YYYYMMDD only.</summary>
    DirbsDates,
}

/// <summary>
/// The knobs of the demo generator. <see cref="Classic"/> is the original mix (the scoring test's data); <see cref="Extended"/>
/// adds the behaviours of independently generated data sets (test phones, frequent hesitant number changes, owners and copies
/// over the whole range of activity rates, copies starting late, on other operators, missing operator files).
/// </summary>
public sealed record DemoSettings
{
    public static DemoSettings Classic { get; } = new();

    public static DemoSettings Extended { get; } = new() { Mix = DemoMix.Extended };

    public DemoMix Mix { get; init; } = DemoMix.Classic;

    /// <summary>Extended mix: each subscriber's daily-use rate is drawn uniformly from this range.</summary>
    public double OwnerUseMin { get; init; } = 0.35;

    public double OwnerUseMax { get; init; } = 0.99;

    /// <summary>Extended mix: each copy of a clone is used on a share of its days drawn uniformly from this range.</summary>
    public double CopyUseMin { get; init; } = 0.30;

    public double CopyUseMax { get; init; } = 0.90;

    /// <summary>Extended mix: a copy starts at any day up to this many days before the last day.</summary>
    public int CopyMinDays { get; init; } = 14;

    /// <summary>Extended mix: the share of copies on another operator than the genuine owner's.</summary>
    public double CopyOtherOperator { get; init; } = 0.6;

    /// <summary>Extended mix: the share of number changes where both SIMs are used in turn for one or two weeks.</summary>
    public double HesitantNumberChange { get; init; } = 0.3;

    /// <summary>
    /// Extended mix: the share of relatives who borrow a family member's phone and have a phone of their own (seen in the
    /// same data); the others' SIMs are seen only in the borrowed phone.
    /// </summary>
    public double RelativesWithPhones { get; init; } = 0.9;

    /// <summary>The share of operator-days whose file is missing (every row of that operator on that day is dropped).</summary>
    public double MissingOperatorDays { get; init; }

    public DemoFileShape Shape { get; init; } = DemoFileShape.LocalTimestamps;

    public IEnumerable<string> Validate()
    {
        if (OwnerUseMin is < 0.01 or > 1 || OwnerUseMax < OwnerUseMin || OwnerUseMax > 1)
        {
            yield return $"owner use {OwnerUseMin}-{OwnerUseMax} must be a range within 0.01 to 1";
        }

        if (CopyUseMin is < 0.01 or > 1 || CopyUseMax < CopyUseMin || CopyUseMax > 1)
        {
            yield return $"copy use {CopyUseMin}-{CopyUseMax} must be a range within 0.01 to 1";
        }

        if (CopyMinDays is < 1 or > 366)
        {
            yield return $"copy minimum days {CopyMinDays} must be from 1 to 366";
        }

        foreach (var (name, share) in new[]
                 {
                     ("copies on another operator", CopyOtherOperator), ("hesitant number changes", HesitantNumberChange),
                     ("relatives with phones", RelativesWithPhones),
                 })
        {
            if (share is < 0 or > 1)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"the share of {name} {share} must be from 0 to 1");
            }
        }

        if (MissingOperatorDays is < 0 or > 0.5)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"the share of missing operator-days {MissingOperatorDays} must be from 0 to 0.5");
        }
    }
}

public enum DemoMix
{
    Classic,
    Extended,
}
