using DeviceRegistry.Web.Public;

namespace DeviceRegistry.Tests.Web;

public sealed class PublicTextsTests
{
    [Fact]
    public void Every_status_has_a_title_and_a_text_in_all_three_languages()
    {
        var texts = PublicTexts.Load();

        foreach (var kind in Enum.GetValues<PublicStatusKind>())
        {
            var code = PublicImeiCheck.StatusCode(kind);
            foreach (var language in new[] { "az", "en", "ru" })
            {
                Assert.False(string.IsNullOrWhiteSpace(texts.Get($"status.{code}.title", language)));
                Assert.False(string.IsNullOrWhiteSpace(texts.Get($"status.{code}.text", language)));
            }
        }

        // Distinct per language: a key left untranslated (copied from another language) shows up here.
        foreach (var key in texts.Keys.Where(k => k.StartsWith("status.", StringComparison.Ordinal) && k.EndsWith(".text", StringComparison.Ordinal)))
        {
            Assert.Equal(3, new[] { "az", "en", "ru" }.Select(l => texts.Get(key, l)).Distinct().Count());
        }
    }
}
