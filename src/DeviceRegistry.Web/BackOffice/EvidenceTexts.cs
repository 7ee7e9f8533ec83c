namespace DeviceRegistry.Web.BackOffice;

/// <summary>Texts of the evidence page: Resources/BackOffice/EvidenceTexts.resx (+ .en, .ru), generated from EvidenceTexts.py.</summary>
public sealed class EvidenceTexts;

