namespace DeviceRegistry.Web.Localization;

/// <summary>
/// Texts every page shares (the layout, navigation, the names of statuses, reasons, roles): inject
/// <c>IStringLocalizer&lt;SharedTexts&gt;</c>. The texts are Resources/Localization/SharedTexts.resx
/// (Azerbaijani, the neutral language) with .en.resx and .ru.resx beside it.
/// </summary>
public sealed class SharedTexts;
