using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.WebEncoders;

namespace DeviceRegistry.Web.Localization;

/// <summary>
/// The three languages of every page and message (Azerbaijani, English, Russian) and which one a request
/// wants: ?lang=, then the remembered cookie, then (API only) Accept-Language, then Azerbaijani. Pages open
/// in the state language whatever the browser's locale until the reader picks another; API clients
/// negotiate as HTTP does. The request's UI culture is set from this, so IStringLocalizer finds the texts.
/// </summary>
public static class Languages
{
    public const string Default = "az";

    public const string CookieName = "devreg-lang";

    public static readonly IReadOnlyList<string> All = ["az", "en", "ru"];

    /// <summary>Each language's name in itself, as a language switch shows it.</summary>
    public static string NativeName(string language) => language switch
    {
        "az" => "Azərbaycanca",
        "en" => "English",
        "ru" => "Русский",
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "not one of az, en, ru"),
    };

    public static bool IsSupported(string? language) => language is not null && All.Contains(language);

    /// <summary>The language of the current request, as the localization middleware set it.</summary>
    public static string Current => IsSupported(CultureInfo.CurrentUICulture.Name) ? CultureInfo.CurrentUICulture.Name : Default;

    public static string Resolve(HttpContext context, bool useAcceptLanguage = true)
    {
        var query = context.Request.Query["lang"].ToString().Trim().ToLowerInvariant();
        if (IsSupported(query))
        {
            return query;
        }

        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && IsSupported(cookie))
        {
            return cookie!;
        }

        if (!useAcceptLanguage)
        {
            return Default;
        }

        foreach (var header in context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(h => h.Quality ?? 1))
        {
            var tag = header.Value.Value;
            if (tag is { Length: >= 2 } && IsSupported(tag[..2].ToLowerInvariant()))
            {
                return tag[..2].ToLowerInvariant();
            }
        }

        return Default;
    }

    public static void Remember(HttpContext context, string language) =>
        context.Response.Cookies.Append(CookieName, language, new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Secure = context.Request.IsHttps,
        });

    /// <summary>
    /// Resource lookup (IStringLocalizer over .resx under Resources/), the request culture from <see cref="Resolve"/>,
    /// the words of the core's refusals (<see cref="Refusals"/>), and an HTML encoder that leaves Azerbaijani and Russian letters as they are (it still escapes markup).
    /// </summary>
    public static IServiceCollection AddRegistryLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddSingleton<Refusals>();
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = All.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture(Default);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentCultures = false;
            o.FallBackToParentUICultures = false;
            o.RequestCultureProviders = [new LanguageCultureProvider()];
        });
        return services;
    }

    /// <summary>Sets the culture of each request; a page asked for with ?lang= remembers the choice.</summary>
    public static IApplicationBuilder UseRegistryLocalization(this IApplicationBuilder app)
    {
        app.UseRequestLocalization();
        return app.Use(async (context, next) =>
        {
            var asked = context.Request.Query["lang"].ToString().Trim().ToLowerInvariant();
            if (IsSupported(asked) && !IsApi(context))
            {
                Remember(context, asked);
            }

            await next();
        });
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    private sealed class LanguageCultureProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var language = Resolve(httpContext, useAcceptLanguage: IsApi(httpContext));
            return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(language));
        }
    }
}
