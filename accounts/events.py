"""Notification events declared by accounts."""

from notifications.events import Event, register

INVITATION = Event(
    "accounts.invitation",
    "Invitations to join an organization or a career-services team",
    "accounts/email/invitation",
    user_configurable=False,
)
ORGANIZATION_VERIFICATION = Event(
    "accounts.organization_verification",
    "My organization's verification changed",
    "accounts/email/organization_verification",
    user_configurable=False,
)
OWNERSHIP_TRANSFERRED = Event(
    "accounts.ownership_transferred",
    "I became the owner of my organization",
    "accounts/email/ownership_transferred",
    user_configurable=False,
)
LINK_REQUESTED = Event(
    "accounts.link_requested",
    "A student asks to be linked to my institution",
    "accounts/email/link_requested",
)
LINK_DECIDED = Event(
    "accounts.link_decided",
    "My request to join an institution was decided",
    "accounts/email/link_decided",
    user_configurable=False,
)

TOKEN_CREATED = Event(
    "accounts.token_created",
    "An API token was created for my account",
    "accounts/email/token_created",
    # A security notice: if someone else made it, this email is how the owner finds out.
    user_configurable=False,
)

register(INVITATION, ORGANIZATION_VERIFICATION, OWNERSHIP_TRANSFERRED, LINK_REQUESTED, LINK_DECIDED, TOKEN_CREATED)
