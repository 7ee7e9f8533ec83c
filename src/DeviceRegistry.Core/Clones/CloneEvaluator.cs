using System.Data.Common;
using DeviceRegistry.Data;

namespace DeviceRegistry.Clones;

/// <summary>
/// Why an IMEI was judged a clone: the matching rule and the measures an appeal reviewer reads, the presumed genuine owner
/// with the reason it was chosen, and (for a pair rule) the pair that matched with its figures.
/// </summary>
public sealed record CloneEvidence(
    long Imei,
    string Rule,
    int DistinctImsis,
    int DaysSeen,
    int OverlapDays,
    double OverlapShare,
    int ConcurrentDays,
    int MaxDailyImsis,
    DateOnly FirstSeen,
    DateOnly LastSeen,
    string GenuineImsi,
    IReadOnlyList<string> Imsis)
{
    /// <summary>Why <see cref="GenuineImsi"/> is the presumed genuine owner, in plain words.</summary>
    public string GenuineReason { get; init; } = "";

    /// <summary>The matching pair and its figures (independent-use rule), or null.</summary>
    public string? PairDetail { get; init; }
}

/// <summary>What one evaluation found.</summary>
public sealed record CloneEvaluation(
    IReadOnlyList<CloneEvidence> Matches,
    long ImeisEvaluated,
    long ImeisSkipped,
    long RowsRead,
    DateOnly RangeStart,
    DateOnly AsOf);

/// <summary>
/// Streams the sightings (the month rows and the pending rows of deferred ingests, <see cref="Sightings.PendingSightings"/>) of the months covering the longest rule period up to the as-of date, ordered
/// by IMEI, builds each IMEI's per-IMSI day bitsets in a reused buffer and evaluates the rules. Memory
/// is bounded by the largest IMEI plus the matches; nothing is written.
/// </summary>
/// <param name="homeNetworks">The country's networks (<c>Registry:HomeNetworks</c>): a pair of a home and a foreign SIM is a traveller's.</param>
public sealed class CloneEvaluator(RegistryDatabase database, Identifiers.HomeNetworks? homeNetworks = null)
{
    /// <summary>The transition allowance used for the ConcurrentDays evidence when the matching rule has none of its own.</summary>
    public const int EvidenceTransitionDays = 3;

    /// <param name="skip">IMEIs not to evaluate (already clones: verdicts are sticky).</param>
    /// <param name="ignoreUpTo">Per IMEI, a day up to which sightings are not evidence (a verdict cleared on appeal that day).</param>
    /// <param name="scope">When set, only these IMEIs are read and evaluated (continuous detection); otherwise every IMEI.</param>
    public async Task<CloneEvaluation> EvaluateAsync(CloneRuleSet rules, DateOnly asOf, IReadOnlySet<long>? skip = null,
        IReadOnlyDictionary<long, DateOnly>? ignoreUpTo = null, IReadOnlyCollection<long>? scope = null, CancellationToken ct = default)
    {
        var periodStart = asOf.AddDays(1 - rules.LongestPeriodDays);
        var rangeStart = new DateOnly(periodStart.Year, periodStart.Month, 1);
        var activity = new ImeiActivity(rangeStart, asOf, homeNetworks);
        var measures = new ActivityMeasures();
        var matches = new List<CloneEvidence>();
        long evaluated = 0, skipped = 0, rows = 0;

        await using var connection = await database.OpenConnectionAsync(ct);
        var pending = new List<ImeiActivity>(); // matched, to be judged again with the SIMs' whereabouts
        await using (var cmd = connection.CreateCommand())
        {
            // SQLite: the unary + keeps the planner off the month index, so it walks the primary key in IMEI
            // order instead of sorting the whole range in a temporary B-tree.
            cmd.CommandText = scope is not null
                ? await ScopedQueryAsync(connection, cmd, scope, ct)
                : database.IsSqlite
                ? "SELECT imei, imsi, month, day_mask FROM sightings WHERE +month >= @from AND +month <= @to " + PendingArm(true, "ORDER BY imei")
                : "SELECT imei, imsi, month, day_mask FROM sightings WHERE month >= @from AND month <= @to " + PendingArm(false, "ORDER BY imei");
            cmd.CommandTimeout = 0;
            AddParameter(cmd, "@from", rangeStart.Year * 100 + rangeStart.Month);
            AddParameter(cmd, "@to", asOf.Year * 100 + asOf.Month);
            await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);

            var current = long.MinValue;
            var skipping = false;
            while (await reader.ReadAsync(ct))
            {
                rows++;
                var imei = reader.GetInt64(0);
                if (imei != current)
                {
                    if (current != long.MinValue && !skipping)
                    {
                        evaluated++;
                        Evaluate(current);
                    }

                    current = imei;
                    skipping = skip?.Contains(imei) == true;
                    if (skipping)
                    {
                        skipped++;
                    }
                    else
                    {
                        activity.Reset(imei);
                    }
                }

                if (skipping)
                {
                    continue;
                }

                var imsi = reader.GetString(1);
                activity.Add(imsi, reader.GetInt32(2), reader.GetInt32(3));
            }

            if (current != long.MinValue && !skipping)
            {
                evaluated++;
                Evaluate(current);
            }
        }

        // in batches, so that the SIMs' sightings held at once stay bounded however many IMEIs matched
        for (var start = 0; start < pending.Count; start += WhereaboutsBatch)
        {
            var batch = pending.GetRange(start, Math.Min(WhereaboutsBatch, pending.Count - start));
            var whereabouts = await ReadWhereaboutsAsync(connection, batch, rangeStart, asOf, ct);
            foreach (var matched in batch)
            {
                SimWhereabouts.Apply(matched, whereabouts);
                if (rules.FirstMatch(matched, measures) is { } rule)
                {
                    matches.Add(Describe(matched, measures, rule));
                }
            }
        }

        matches.Sort((x, y) => x.Imei.CompareTo(y.Imei));
        return new CloneEvaluation(matches, evaluated, skipped, rows, rangeStart, asOf);

        void Evaluate(long imei)
        {
            if (ignoreUpTo is not null && ignoreUpTo.TryGetValue(imei, out var cleared))
            {
                activity.IgnoreUpTo(cleared);
            }

            if (activity.ImsiCount < 2)
            {
                return; // one subscriber is never a clone, whatever the rules say
            }

            var rule = rules.FirstMatch(activity, measures);
            if (rule is null)
            {
                return;
            }

            if (CloneRuleSet.MatchNeedsWhereabouts(activity, rule))
            {
                pending.Add(activity.Copy());
            }
            else
            {
                matches.Add(Describe(activity, measures, rule));
            }
        }
    }

    /// <summary>Matched IMEIs whose SIMs' whereabouts are read in one query (each read scans the pending rows once on SQLite).</summary>
    private const int WhereaboutsBatch = 8192;

    /// <summary>
    /// The sightings of the matched IMEIs' IMSIs over the range, on any IMEI (the month rows and the pending rows), by IMSI:
    /// one query through <c>ix_sightings_imsi</c>. On SQLite the IMSIs go into a temporary table on this connection,
    /// PostgreSQL takes them as an array.
    /// </summary>
    private async Task<Dictionary<string, List<(long Imei, int Month, int Mask)>>> ReadWhereaboutsAsync(DbConnection connection,
        List<ImeiActivity> matched, DateOnly rangeStart, DateOnly asOf, CancellationToken ct)
    {
        // each IMSI with the IMEI it was matched on: only its rows on other IMEIs are wanted, and on SQLite the index
        // (imsi, month) carries the key's imei, so the other rows are told apart before any table row is read
        var pairs = new HashSet<(string Imsi, long Imei)>();
        foreach (var activity in matched)
        {
            for (var i = 0; i < activity.ImsiCount; i++)
            {
                pairs.Add((activity.ImsiAt(i), activity.Imei));
            }
        }

        await using var cmd = connection.CreateCommand();
        cmd.CommandTimeout = 0;
        if (database.IsSqlite)
        {
            await FillSqliteTempAsync(connection, "clone_imsis", "imsi TEXT NOT NULL, imei INTEGER NOT NULL, PRIMARY KEY (imsi, imei)",
                "json_extract(value, '$[0]'), json_extract(value, '$[1]')", Eir.DbValues.JsonPairs(pairs), ct);

            // CROSS JOIN keeps the IMSIs as the outer loop, each probing the index. An IMSI matched on two IMEIs returns some
            // rows twice; days OR together, so that does no harm.
            cmd.CommandText = "SELECT s.imei, s.imsi, s.month, s.day_mask FROM temp.clone_imsis c CROSS JOIN sightings s ON s.imsi = c.imsi " +
                "WHERE s.imei <> c.imei AND s.month >= @from AND s.month <= @to " +
                PendingArm(true, "", "JOIN temp.clone_imsis c ON p.imsi = c.imsi AND p.imei <> c.imei");
        }
        else
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>("imsis", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Varchar)
            {
                TypedValue = [.. pairs.Select(p => p.Imsi)],
            });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>("imeis", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint)
            {
                TypedValue = [.. pairs.Select(p => p.Imei)],
            });
            const string Pairs = "unnest(@imsis, @imeis) AS c(imsi, imei)";
            cmd.CommandText = $"SELECT s.imei, s.imsi, s.month, s.day_mask FROM sightings s JOIN {Pairs} ON s.imsi = c.imsi AND s.imei <> c.imei " +
                "WHERE s.month >= @from AND s.month <= @to " +
                PendingArm(false, "", $"JOIN {Pairs} ON p.imsi = c.imsi AND p.imei <> c.imei");
        }

        AddParameter(cmd, "@from", rangeStart.Year * 100 + rangeStart.Month);
        AddParameter(cmd, "@to", asOf.Year * 100 + asOf.Month);
        var byImsi = new Dictionary<string, List<(long, int, int)>>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var imsi = reader.GetString(1);
            if (!byImsi.TryGetValue(imsi, out var list))
            {
                byImsi[imsi] = list = [];
            }

            list.Add((reader.GetInt64(0), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return byImsi;
    }

    /// <summary>The evidence for an IMEI a rule matched, over that rule's period.</summary>
    public static CloneEvidence Describe(ImeiActivity activity, ActivityMeasures measures, CloneRule rule)
    {
        var period = rule.PeriodDays;
        var from = activity.PeriodStart(period);
        var to = activity.DayCount - 1;
        var distinct = ActivityMeasures.DistinctImsis(activity, period);
        var (daysSeen, _) = measures.DailyTotals(activity, period);
        var overlapDays = ImeiActivity.CountDays(measures.DaysWithAtLeast(activity, 2, 0), from, to);
        var transition = rule switch
        {
            ConcurrentImsisRule c => c.TransitionDays,
            IndependentUseRule u => u.TransitionDays,
            _ => EvidenceTransitionDays,
        };
        var concurrentDays = ImeiActivity.CountDays(measures.ConcurrentDays(activity, 2, transition), from, to);
        var maxDaily = ActivityMeasures.MaxDailyImsis(activity, period);

        var imsis = new List<string>(activity.ImsiCount);
        var first = int.MaxValue;
        var last = -1;
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var days = activity.DaysOf(i);
            var f = ImeiActivity.FirstDay(days);
            if (f < 0)
            {
                continue; // only seen before an appeal cleared the IMEI
            }

            imsis.Add(activity.ImsiAt(i));
            first = Math.Min(first, f);
            last = Math.Max(last, ImeiActivity.LastDay(days));
        }

        imsis.Sort(StringComparer.Ordinal);
        var (genuine, reason) = GenuineOwner(activity);
        string? detail = null;
        if (rule is IndependentUseRule pairs && pairs.FindPair(activity, measures) is var (a, b, o, comparisons))
        {
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            detail = string.Create(invariant,
                $"{activity.ImsiAt(a)} and {activity.ImsiAt(b)} over {o.SpanDays} days of common use: seen on {o.CountA} and {o.CountB} days, both on {o.BothDays} that were not a change of SIM; one person switching SIMs shares that many with probability {Binomial.UpperTail(o.BothDays, o.SpanDays, pairs.AlternationRate):0.#e+0}, two independent users would share {(double)o.CountA * o.CountB / o.SpanDays:0.#}");
            if (pairs.SwitchTail(o) is { } switchTail)
            {
                detail += string.Create(invariant,
                    $"; on its {o.SingleDays} days with one SIM alone the SIM changed {o.Switches} times, which one person changing SIMs at most once in {1 / pairs.SwitchRate:0.#} such days shows with probability {switchTail:0.#e+0}");
            }

            if (activity.HasWhereabouts && pairs.Whereabouts)
            {
                detail += string.Create(invariant,
                    $"; seen on other IMEIs on {o.ElsewhereA} and {o.ElsewhereB} of those days (a SIM at home in another phone, seen there on more days than here, is a visitor)");
            }

            if (comparisons > 1 || pairs.SwitchRate > 0)
            {
                // the bar either probability had to pass: lower with each pair compared (IndependentUseRule.Comparisons) and
                // with the switch test beside the shared days'
                detail += string.Create(invariant, $" ({comparisons} {(comparisons == 1 ? "pair" : "pairs")} of SIMs compared: at most {pairs.Bar(comparisons):0.#e+0} for any one)");
            }
        }

        return new CloneEvidence(
            activity.Imei,
            rule.Name,
            distinct,
            daysSeen,
            overlapDays,
            daysSeen == 0 ? 0 : Math.Round((double)overlapDays / daysSeen, 4),
            concurrentDays,
            maxDaily,
            activity.DateOf(first),
            activity.DateOf(last),
            activity.ImsiAt(genuine),
            imsis)
        {
            GenuineReason = reason,
            PairDetail = detail,
        };
    }

    /// <summary>A SIM is in steady use when seen on at least this many days...</summary>
    public const int SteadyMinDays = 4;

    /// <summary>...and on at least this share of the days from its first day to its last.</summary>
    public const double SteadyMinShare = 0.25;

    /// <summary>
    /// The presumed genuine owner (the first user, whom the registration centre looks for): the SIM whose steady use began
    /// first; a SIM seen only briefly or now and then before it (a SIM tried in the shop, a relative's) is passed over. On the
    /// same first day (both already on the IMEI when the months read begin) the one with the longer history (more days seen)
    /// is taken. Returns its index and the reason in plain words; -1 when no IMSI has a day.
    /// </summary>
    public static (int Index, string Reason) GenuineOwner(ImeiActivity activity)
    {
        int best = -1, bestFirst = int.MaxValue, bestDays = 0, passedOver = 0;
        var anySteady = false;
        for (var pass = 0; pass < 2 && best < 0; pass++)
        {
            for (var i = 0; i < activity.ImsiCount; i++)
            {
                var days = activity.DaysOf(i);
                var f = ImeiActivity.FirstDay(days);
                if (f < 0)
                {
                    continue;
                }

                var l = ImeiActivity.LastDay(days);
                var count = ImeiActivity.CountDays(days, f, l);
                var steady = count >= SteadyMinDays && count >= SteadyMinShare * (l - f + 1);
                anySteady |= steady;
                if (pass == 0 && !steady)
                {
                    continue; // counted below when it began before the chosen one
                }

                if (f < bestFirst || (f == bestFirst && (count > bestDays
                    || (count == bestDays && string.CompareOrdinal(activity.ImsiAt(i), activity.ImsiAt(best)) < 0))))
                {
                    best = i;
                    bestFirst = f;
                    bestDays = count;
                }
            }
        }

        if (best < 0)
        {
            return (-1, "");
        }

        var tied = 0;
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var f = ImeiActivity.FirstDay(activity.DaysOf(i));
            if (f >= 0 && f < bestFirst)
            {
                passedOver++;
            }
            else if (f == bestFirst && i != best)
            {
                tied++;
            }
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var since = activity.DateOf(bestFirst).ToString("yyyy-MM-dd", inv);
        var reason = !anySteady
            ? string.Create(inv, $"no SIM in steady use; the first seen ({since}), on {bestDays} days")
            : string.Create(inv, $"the earliest steady use: from {since}, seen on {bestDays} days");
        if (bestFirst == 0)
        {
            reason += string.Create(inv, $" (already in use when the months read begin, {since})");
        }

        if (tied > 0)
        {
            reason += string.Create(inv, $"; the longest history of the {tied + 1} SIMs first seen that day");
        }

        if (passedOver > 0)
        {
            reason += string.Create(inv, $"; {passedOver} SIM(s) seen earlier only briefly or now and then (under {SteadyMinDays} days or a quarter of their span) passed over");
        }

        return (best, reason);
    }

    /// <summary>
    /// The query over the sightings of the IMEIs in <paramref name="scope"/>, in IMEI order, probing the primary key per
    /// IMEI. On SQLite the IMEIs go into a temporary table keyed by IMEI on this connection (walked in key order, so no
    /// sort); PostgreSQL takes them as an array.
    /// </summary>
    private async Task<string> ScopedQueryAsync(DbConnection connection, DbCommand cmd, IReadOnlyCollection<long> scope, CancellationToken ct)
    {
        if (!database.IsSqlite)
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>("scope", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint)
            {
                TypedValue = [.. scope],
            });
            return "SELECT s.imei, s.imsi, s.month, s.day_mask FROM sightings s JOIN unnest(@scope) AS c(imei) ON s.imei = c.imei " +
                "WHERE s.month >= @from AND s.month <= @to " +
                PendingArm(false, "ORDER BY 1", "JOIN unnest(@scope) AS c(imei) ON p.imei = c.imei");
        }

        await FillSqliteTempAsync(connection, "clone_scope", "imei INTEGER NOT NULL PRIMARY KEY", "value", Eir.DbValues.JsonArray(scope), ct);

        // CROSS JOIN keeps the scope as the outer loop.
        // c.imei (not s.imei): the stored arm comes in the scope's own order (no sort); the pending rows (no index on
        // SQLite) are scanned once and sorted, and the two arms merge.
        return "SELECT c.imei, s.imsi, s.month, s.day_mask FROM temp.clone_scope c CROSS JOIN sightings s ON s.imei = c.imei " +
            "WHERE s.month >= @from AND s.month <= @to " +
            PendingArm(true, "ORDER BY 1", "", "p.imei IN (SELECT imei FROM temp.clone_scope) AND ");
    }

    /// <summary>The union's arm over deferred ingests' pending rows, each read as a month row holding its one day.</summary>
    /// <summary>
    /// Fills a temporary table of this connection (SQLite) from the elements of a JSON array, for a query to join: created on
    /// first use, emptied before each fill. <paramref name="select"/> gives the columns' values from json_each's value.
    /// </summary>
    private static async Task FillSqliteTempAsync(DbConnection connection, string table, string definition, string select, string json, CancellationToken ct)
    {
        await using var fill = connection.CreateCommand();
        fill.CommandText = $"CREATE TEMP TABLE IF NOT EXISTS {table} ({definition}); DELETE FROM temp.{table}; " +
            $"INSERT OR IGNORE INTO temp.{table} SELECT {select} FROM json_each(@values)";
        fill.CommandTimeout = 0;
        AddParameter(fill, "@values", json);
        await fill.ExecuteNonQueryAsync(ct);
    }

    private static string PendingArm(bool sqlite, string orderBy, string join = "", string where = "")
    {
        var month = Sightings.PendingSightings.MonthSql(sqlite, "p");
        return $"UNION ALL SELECT p.imei, p.imsi, {month}, {Sightings.PendingSightings.DayMaskSql(sqlite, "p")} FROM sightings_pending p {join} " +
            $"WHERE {where}{month} >= @from AND {month} <= @to {orderBy}";
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
