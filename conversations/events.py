from notifications.events import Event, register

register(
    Event(
        "conversation.messages",
        "New messages in a conversation (at most one email per conversation every 15 minutes)",
        "conversations/email/digest",
    ),
)
