using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// A settings class bound from one configuration section. Its public settable properties of a simple
/// type (numbers, text, booleans, enums, time spans) or a list of one are bound by
/// <see cref="Settings"/>; anything else the class binds itself in <see cref="BindOther"/>.
/// </summary>
public interface ISettingsSection
{
    /// <summary>Binds what the generic binder does not (keys named in <see cref="OtherKeys"/>); adds a problem per bad value.</summary>
    void BindOther(IConfigurationSection section, List<string> problems)
    {
    }

    /// <summary>Keys of the section that <see cref="BindOther"/> reads.</summary>
    IEnumerable<string> OtherKeys => [];

    /// <summary>Checks the bound values together; each problem names its full key, e.g. "Registration:WindowDays …".</summary>
    IEnumerable<string> Validate(string section);
}

/// <summary>A bad setting: every problem found in the section, each naming its key and what is allowed.</summary>
public sealed class SettingsException(IReadOnlyList<string> problems)
    : InvalidOperationException("Bad configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Binds settings classes from configuration the same way in both hosts: strictly (an unknown key, a
/// value of the wrong form or a scalar where a list belongs is an error naming the key and the allowed
/// values, not a silent default), then validated. Registered as <c>IOptions&lt;T&gt;</c> with
/// ValidateOnStart, and as <typeparamref name="T"/> itself for code that reads it on every request.
/// </summary>
public static class Settings
{
    /// <summary>Registers <typeparamref name="T"/> bound from <paramref name="section"/>, validated when the host starts.</summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, ISettingsSection, new()
    {
        services.AddOptions<T>()
            .Configure(target => BindAndValidate(configuration.GetSection(section), target))
            .ValidateOnStart();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    /// <summary>Binds and validates now: for values needed while services are being registered (job schedules, the database).</summary>
    public static T Read<T>(IConfiguration configuration, string section)
        where T : class, ISettingsSection, new()
    {
        var target = new T();
        BindAndValidate(configuration.GetSection(section), target);
        return target;
    }

    private static void BindAndValidate<T>(IConfigurationSection section, T target)
        where T : class, ISettingsSection
    {
        var problems = new List<string>();
        Bind(section, target, problems);
        target.BindOther(section, problems);
        if (problems.Count == 0)
        {
            problems.AddRange(target.Validate(section.Path));
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }
    }

    /// <summary>Binds a nested section (e.g. Eir:Nrf) into its own settings class, for a parent's <see cref="ISettingsSection.BindOther"/>; the parent validates it.</summary>
    public static void BindNested(IConfigurationSection section, ISettingsSection target, List<string> problems)
    {
        Bind(section, target, problems);
        target.BindOther(section, problems);
    }

    private static void Bind(IConfigurationSection section, object target, List<string> problems)
    {
        var properties = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && Describe(ElementType(p.PropertyType) ?? p.PropertyType) is not null)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var other = ((ISettingsSection)target).OtherKeys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var key = $"{section.Path}:{child.Key}";
            if (other.Contains(child.Key))
            {
                continue;
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                var known = string.Join(", ", properties.Keys.Concat(other).Order(StringComparer.Ordinal));
                problems.Add($"{key} is not a setting; the settings under {section.Path} are {known}");
                continue;
            }

            var element = ElementType(property.PropertyType);
            if (element is null)
            {
                if (child.Value is null)
                {
                    problems.Add($"{key} must be a single value ({Describe(property.PropertyType)}), not a list or an object");
                }
                else if (TryConvert(child.Value, property.PropertyType, out var value))
                {
                    property.SetValue(target, value);
                }
                else
                {
                    problems.Add($"{key} is '{child.Value}'; it must be {Describe(property.PropertyType)}");
                }

                continue;
            }

            // A list replaces the default (ASP.NET Core's binder would append to it). An empty value beside items is
            // no scalar: WebApplicationFactory's command-line settings give the parent key of an item an empty value.
            if (child.Value is { } scalar && (scalar.Length > 0 || !child.GetChildren().Any()))
            {
                problems.Add($"{key} is a list: give its items as {key}:0, {key}:1, … (environment variables {key.Replace(":", "__", StringComparison.Ordinal)}__0, …)");
                continue;
            }

            var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in child.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
            {
                if (item.Value is not null && TryConvert(item.Value, element, out var value))
                {
                    items.Add(value);
                }
                else
                {
                    problems.Add($"{key}:{item.Key} is '{item.Value ?? "(an object)"}'; each item must be {Describe(element)}");
                }
            }

            property.SetValue(target, property.PropertyType.IsArray ? ToArray(items, element) : items);
        }
    }

    private static Array ToArray(IList items, Type element)
    {
        var array = Array.CreateInstance(element, items.Count);
        items.CopyTo(array, 0);
        return array;
    }

    /// <summary>The item type of a list property (T[], List, IReadOnlyList, IList, IEnumerable of T), or null for a scalar.</summary>
    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() is var g
            && (g == typeof(IReadOnlyList<>) || g == typeof(IList<>) || g == typeof(List<>) || g == typeof(IEnumerable<>)
                || g == typeof(IReadOnlyCollection<>))
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static string? Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(t));
        }

        return t == typeof(int) || t == typeof(long) ? "a whole number"
            : t == typeof(double) || t == typeof(decimal) ? "a number such as 0.25"
            : t == typeof(bool) ? "true or false"
            : t == typeof(string) ? "text"
            : t == typeof(TimeSpan) ? "a duration as [d.]hh:mm:ss"
            : null;
    }

    private static bool TryConvert(string text, Type type, out object? value)
    {
        value = null;
        var nullable = Nullable.GetUnderlyingType(type);
        var t = nullable ?? type;
        var trimmed = text.Trim();
        if (nullable is not null && trimmed.Length == 0)
        {
            return true;
        }

        if (t == typeof(string))
        {
            value = text;
            return true;
        }

        if (t.IsEnum)
        {
            // Names only: a number would silently pick whatever member has that value.
            var name = Enum.GetNames(t).FirstOrDefault(n => n.Equals(trimmed, StringComparison.OrdinalIgnoreCase));
            value = name is null ? null : Enum.Parse(t, name);
            return name is not null;
        }

        var ok = false;
        if (t == typeof(int))
        {
            ok = int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i);
            value = i;
        }
        else if (t == typeof(long))
        {
            ok = long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l);
            value = l;
        }
        else if (t == typeof(double))
        {
            ok = double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d);
            value = d;
        }
        else if (t == typeof(decimal))
        {
            ok = decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.InvariantCulture, out var m);
            value = m;
        }
        else if (t == typeof(bool))
        {
            ok = bool.TryParse(trimmed, out var b);
            value = b;
        }
        else if (t == typeof(TimeSpan))
        {
            ok = TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var s);
            value = s;
        }

        return ok;
    }
}
