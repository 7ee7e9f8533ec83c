namespace DeviceRegistry.Web.BackOffice;

/// <summary>Texts of the statistics page: Resources/BackOffice/StatisticsTexts.resx (+ .en, .ru), generated from StatisticsTexts.py.</summary>
public sealed class StatisticsTexts;
