"""The catalogue of notification events. Each app declares its own in ``<app>/events.py``.

An event names its email templates (``templates/<template>_subject.txt``, ``<template>.txt`` and
optionally ``<template>.html``) and whether users may turn its emails off.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    template: str
    # Account emails (verification, password reset) cannot be switched off.
    user_configurable: bool = True
    email_by_default: bool = True


_EVENTS: dict[str, Event] = {}


def register(*events: Event) -> None:
    for event in events:
        _EVENTS[event.name] = event


def get(name: str) -> Event:
    try:
        return _EVENTS[name]
    except KeyError:
        raise LookupError(f"Unknown notification event {name!r}; declare it in <app>/events.py") from None


def configurable() -> list[Event]:
    return sorted((e for e in _EVENTS.values() if e.user_configurable), key=lambda e: e.label)


ACCOUNT_EMAIL = Event(
    "account.email", "Account security emails", "notifications/email/account", user_configurable=False
)
SYSTEM_MESSAGE = Event("system.message", "Messages from the site team", "notifications/email/system_message")

register(ACCOUNT_EMAIL, SYSTEM_MESSAGE)
