using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Clones;

/// <summary>A rule file or the CloneDetection:Rules configuration is invalid; the message names every problem.</summary>
public sealed class CloneRulesException(string source, IReadOnlyList<string> problems)
    : InvalidOperationException($"{source} has invalid clone rules; nothing was applied:{Environment.NewLine}  "
        + string.Join(Environment.NewLine + "  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Reads clone rules from a JSON file (an object with a "Rules" array) or from configuration
/// (CloneDetection:Rules). Property names are matched case-insensitively; unknown properties, missing
/// or out-of-range values are errors naming the rule and the property.
/// </summary>
public static class CloneRuleParser
{
    public const int MaxPeriodDays = 366;

    private static readonly Dictionary<string, string[]> KnownProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        [DistinctImsisRule.KindName] = ["Name", "Kind", "Threshold", "PeriodDays"],
        [DailyAverageImsisRule.KindName] = ["Name", "Kind", "Threshold", "PeriodDays", "MinSeenDays"],
        [AllOfRule.KindName] = ["Name", "Kind", "Rules"],
        [ConcurrentImsisRule.KindName] = ["Name", "Kind", "PeriodDays", "MinImsis", "MinDays", "MinWeeks", "MinDaysPerWeek", "TransitionDays"],
        [IndependentUseRule.KindName] = ["Name", "Kind", "PeriodDays", "TransitionDays", "MinOverlapDays", "MinUseShare", "AlternationRate",
            "Alpha", "GiveWayAlpha", "MinClosedSpanDays", "HandoverRunDays", "SwitchRate", "Whereabouts"],
    };

    /// <summary>The configured rules, or the project's defaults when CloneDetection:Rules is absent.</summary>
    /// <summary>The rules of a <c>Rules</c> section, or the project's defaults when it is absent.</summary>
    public static CloneRuleSet FromSection(IConfigurationSection section)
    {
        if (!section.Exists())
        {
            return CloneRuleSet.Defaults;
        }

        var nodes = section.GetChildren().Select(NodeOf).ToList();
        return Build(section.Path, nodes);
    }

    public static CloneRuleSet FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CloneRulesException(path, [$"the file cannot be read: {ex.Message}"]);
        }

        return FromJson(text, path);
    }

    public static CloneRuleSet FromJson(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CloneRulesException(source, [$"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CloneRulesException(source, ["the file must hold an object with a \"Rules\" array"]);
            }

            var rules = document.RootElement.EnumerateObject()
                .FirstOrDefault(p => string.Equals(p.Name, "Rules", StringComparison.OrdinalIgnoreCase));
            if (rules.Value.ValueKind != JsonValueKind.Array)
            {
                throw new CloneRulesException(source, ["the file must hold an object with a \"Rules\" array"]);
            }

            var nodes = new List<RuleNode>();
            var index = 0;
            foreach (var element in rules.Value.EnumerateArray())
            {
                nodes.Add(FromJsonElement(element, $"Rules[{index++}]"));
            }

            return Build(source, nodes);
        }
    }

    private static CloneRuleSet Build(string source, List<RuleNode> nodes)
    {
        var problems = new List<string>();
        if (nodes.Count == 0)
        {
            problems.Add("Rules: at least one rule is needed");
        }

        var rules = new List<CloneRule>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < nodes.Count; i++)
        {
            var rule = BuildRule(nodes[i], problems, names);
            if (rule is not null)
            {
                rules.Add(rule);
            }
        }

        if (problems.Count > 0)
        {
            throw new CloneRulesException(source, problems);
        }

        return new CloneRuleSet(rules);
    }

    private static CloneRule? BuildRule(RuleNode node, List<string> problems, HashSet<string> names)
    {
        if (node.Problem is not null)
        {
            problems.Add($"{node.Path}: {node.Problem}");
            return null;
        }

        var name = node.Scalar("Name");
        var label = string.IsNullOrWhiteSpace(name) ? node.Path : $"{node.Path} ('{name}')";
        var before = problems.Count;
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add($"{label}: Name is required");
        }
        else if (name.Length > 100)
        {
            problems.Add($"{label}: Name is longer than 100 characters");
        }
        else if (!names.Add(name))
        {
            problems.Add($"{label}: Name is used by another rule");
        }

        var kind = node.Scalar("Kind");
        if (string.IsNullOrWhiteSpace(kind) || !KnownProperties.TryGetValue(kind, out var known))
        {
            problems.Add($"{label}: Kind '{kind}' is not one of {string.Join(", ", KnownProperties.Keys)}");
            return null;
        }

        foreach (var property in node.PropertyNames)
        {
            if (!known.Contains(property, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{label}: {property} is not a property of a {kind} rule (it has {string.Join(", ", known)})");
            }
        }

        CloneRule? rule;
        if (kind.Equals(DistinctImsisRule.KindName, StringComparison.OrdinalIgnoreCase))
        {
            var threshold = Int(node, label, "Threshold", 1, 100_000, problems);
            var period = Int(node, label, "PeriodDays", 1, MaxPeriodDays, problems);
            rule = new DistinctImsisRule(name ?? "", threshold, period);
        }
        else if (kind.Equals(DailyAverageImsisRule.KindName, StringComparison.OrdinalIgnoreCase))
        {
            var threshold = Real(node, label, "Threshold", problems);
            var period = Int(node, label, "PeriodDays", 1, MaxPeriodDays, problems);
            var minSeen = Int(node, label, "MinSeenDays", 1, MaxPeriodDays, problems);
            if (minSeen > period && period > 0)
            {
                problems.Add($"{label}: MinSeenDays ({minSeen}) cannot exceed PeriodDays ({period})");
            }

            rule = new DailyAverageImsisRule(name ?? "", threshold, period, minSeen);
        }
        else if (kind.Equals(ConcurrentImsisRule.KindName, StringComparison.OrdinalIgnoreCase))
        {
            var period = Int(node, label, "PeriodDays", 1, MaxPeriodDays, problems);
            var minImsis = Int(node, label, "MinImsis", 2, 32, problems);
            var minDays = Int(node, label, "MinDays", 1, MaxPeriodDays, problems);
            var minWeeks = Int(node, label, "MinWeeks", 1, 53, problems);
            var perWeek = node.Scalar("MinDaysPerWeek") is null ? 1 : Int(node, label, "MinDaysPerWeek", 1, 7, problems);
            var transition = Int(node, label, "TransitionDays", 0, 30, problems);
            if (period > 0 && minDays > period)
            {
                problems.Add($"{label}: MinDays ({minDays}) cannot exceed PeriodDays ({period})");
            }

            if (period > 0 && minWeeks > (period + 6) / 7)
            {
                problems.Add($"{label}: MinWeeks ({minWeeks}) cannot exceed the {(period + 6) / 7} weeks of PeriodDays ({period})");
            }

            rule = new ConcurrentImsisRule(name ?? "", period, minImsis, minDays, minWeeks, perWeek, transition);
        }
        else if (kind.Equals(IndependentUseRule.KindName, StringComparison.OrdinalIgnoreCase))
        {
            var period = Int(node, label, "PeriodDays", 1, MaxPeriodDays, problems);
            var transition = Int(node, label, "TransitionDays", 0, 30, problems);
            var minOverlap = Int(node, label, "MinOverlapDays", 1, MaxPeriodDays, problems);
            var minShare = Share(node, label, "MinUseShare", problems);
            var alternation = Share(node, label, "AlternationRate", problems);
            var alpha = Share(node, label, "Alpha", problems);
            var giveWay = Share(node, label, "GiveWayAlpha", problems);
            var minClosed = Int(node, label, "MinClosedSpanDays", 1, MaxPeriodDays, problems);
            var handoverRun = node.Scalar("HandoverRunDays") is null ? 1 : Int(node, label, "HandoverRunDays", 1, 7, problems);
            var switchRate = node.Scalar("SwitchRate") is null ? 0 : Share(node, label, "SwitchRate", problems);
            var whereabouts = node.Scalar("Whereabouts") is not null && Flag(node, label, "Whereabouts", problems);
            if (period > 0 && minOverlap > period)
            {
                problems.Add($"{label}: MinOverlapDays ({minOverlap}) cannot exceed PeriodDays ({period})");
            }

            rule = new IndependentUseRule(name ?? "", period, transition, minOverlap, minShare, alternation, alpha, giveWay, minClosed, handoverRun, switchRate, whereabouts);
        }
        else
        {
            var children = node.Children("Rules");
            if (children is null || children.Count == 0)
            {
                problems.Add($"{label}: Rules must be a non-empty array of rules");
                return null;
            }

            var inner = new List<CloneRule>();
            foreach (var child in children)
            {
                var built = BuildRule(child, problems, names);
                if (built is not null)
                {
                    inner.Add(built);
                }
            }

            rule = inner.Count == children.Count ? new AllOfRule(name ?? "", inner) : null;
        }

        return problems.Count == before ? rule : null;
    }

    private static int Int(RuleNode node, string label, string property, int min, int max, List<string> problems)
    {
        var text = node.Scalar(property);
        if (text is null)
        {
            problems.Add($"{label}: {property} is required (a whole number from {min} to {max})");
            return 0;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            problems.Add($"{label}: {property} is '{text}'; it must be a whole number from {min} to {max}");
            return 0;
        }

        return value;
    }

    private static double Real(RuleNode node, string label, string property, List<string> problems)
    {
        var text = node.Scalar(property);
        if (text is null)
        {
            problems.Add($"{label}: {property} is required (a number greater than 0)");
            return 0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
        {
            problems.Add($"{label}: {property} is '{text}'; it must be a number greater than 0");
            return 0;
        }

        return value;
    }

    /// <summary>A yes/no property: true or false.</summary>
    private static bool Flag(RuleNode node, string label, string property, List<string> problems)
    {
        var text = node.Scalar(property);
        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{label}: {property} is '{text}'; it must be true or false");
        return false;
    }

    /// <summary>A share or probability: a number greater than 0 and less than 1.</summary>
    private static double Share(RuleNode node, string label, string property, List<string> problems)
    {
        var text = node.Scalar(property);
        if (text is null)
        {
            problems.Add($"{label}: {property} is required (a number greater than 0 and less than 1)");
            return 0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value < 1))
        {
            problems.Add($"{label}: {property} is '{text}'; it must be a number greater than 0 and less than 1");
            return 0;
        }

        return value;
    }

    private static RuleNode NodeOf(IConfigurationSection section)
    {
        var node = new RuleNode(section.Path);
        foreach (var child in section.GetChildren())
        {
            if (child.Key.Equals("Rules", StringComparison.OrdinalIgnoreCase) && child.Value is null)
            {
                node.Lists[child.Key] = child.GetChildren().Select(NodeOf).ToList();
            }
            else if (child.Value is null && child.GetChildren().Any())
            {
                node.Scalars[child.Key] = "(an object)";
            }
            else
            {
                node.Scalars[child.Key] = child.Value ?? "";
            }
        }

        return node;
    }

    private static RuleNode FromJsonElement(JsonElement element, string path)
    {
        var node = new RuleNode(path);
        if (element.ValueKind != JsonValueKind.Object)
        {
            node.Problem = $"a rule must be a JSON object, not {element.ValueKind}";
            return node;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Array when property.Name.Equals("Rules", StringComparison.OrdinalIgnoreCase):
                    var index = 0;
                    node.Lists[property.Name] = property.Value.EnumerateArray()
                        .Select(e => FromJsonElement(e, $"{path}.Rules[{index++}]")).ToList();
                    break;
                case JsonValueKind.String:
                    node.Scalars[property.Name] = property.Value.GetString() ?? "";
                    break;
                case JsonValueKind.Number:
                    node.Scalars[property.Name] = property.Value.GetRawText();
                    break;
                default:
                    node.Scalars[property.Name] = property.Value.GetRawText();
                    break;
            }
        }

        return node;
    }

    private sealed class RuleNode(string path)
    {
        public string Path { get; } = path;

        public string? Problem { get; set; }

        public Dictionary<string, string> Scalars { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, List<RuleNode>> Lists { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IEnumerable<string> PropertyNames => Scalars.Keys.Concat(Lists.Keys);

        public string? Scalar(string name) => Scalars.TryGetValue(name, out var value) ? value : null;

        public List<RuleNode>? Children(string name) => Lists.TryGetValue(name, out var value) ? value : null;
    }
}
