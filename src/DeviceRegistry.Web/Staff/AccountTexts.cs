namespace DeviceRegistry.Web.Staff;

/// <summary>Texts of the sign-in and account pages: Resources/Staff/AccountTexts.resx (+ .en, .ru), generated from AccountTexts.py.</summary>
public sealed class AccountTexts;
