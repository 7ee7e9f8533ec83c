namespace DeviceRegistry.Web.BackOffice;

/// <summary>Texts of the appeals queue, intake and detail pages: Resources/BackOffice/AppealTexts.resx (+ .en, .ru), generated from AppealTexts.py.</summary>
public sealed class AppealTexts;
