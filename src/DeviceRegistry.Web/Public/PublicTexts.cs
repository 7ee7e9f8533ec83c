namespace DeviceRegistry.Web.Public;

/// <summary>
/// The citizen-facing texts of the public page and the public API (IMEI check, appeal tracking): inject
/// <c>IStringLocalizer&lt;PublicTexts&gt;</c>. The texts are Resources/Public/PublicTexts.resx (Azerbaijani,
/// the neutral language) with .en.resx and .ru.resx beside it, generated from Resources/Public/PublicTexts.py.
/// </summary>
public sealed class PublicTexts;
