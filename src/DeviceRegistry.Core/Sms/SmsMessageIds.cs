namespace DeviceRegistry.Sms;

/// <summary>
/// The message ids the gateway sees (<see cref="Registrations.OutgoingSms.MessageId"/>) and delivery reports name: an
/// outbox row's id plus its outbox's base, so the ids of different outboxes never meet and a report finds its row.
/// </summary>
public static class SmsMessageIds
{
    /// <summary>Registration-window warnings (sms_outbox): the row id itself.</summary>
    public const long RegistrationWarnings = 0;

    /// <summary>Appeal decision messages (appeal_messages).</summary>
    public const long AppealMessages = 1_000_000_000_000;

    /// <summary>Which outbox a message id belongs to and its row id there; false for an id no outbox gives out.</summary>
    public static bool TryResolve(long messageId, out SmsOutboxKind outbox, out long rowId)
    {
        (outbox, rowId) = messageId switch
        {
            > AppealMessages => (SmsOutboxKind.AppealMessages, messageId - AppealMessages),
            > RegistrationWarnings and < AppealMessages => (SmsOutboxKind.RegistrationWarnings, messageId - RegistrationWarnings),
            _ => (default, 0),
        };
        return rowId > 0;
    }
}

public enum SmsOutboxKind
{
    RegistrationWarnings,
    AppealMessages,
}
