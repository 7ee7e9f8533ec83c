namespace DeviceRegistry.Web.BackOffice;

/// <summary>Texts of the audit log and staff administration pages: Resources/BackOffice/AdminTexts.resx (+ .en, .ru), generated from AdminTexts.py.</summary>
public sealed class AdminTexts;
