"""The one rule for text typed into any form or API field: no control characters.

A single-line value (a name, a title, a search) refuses every control character, line breaks and
tabs included: such a value may end up in an email subject or header, where a carriage return
breaks the message. Multi-line text (a cover letter, a description) keeps its line breaks and
tabs and refuses the rest (NUL, escape, form feed, C1 controls), which only ever arrive pasted by
accident or sent on purpose.

Forms get the rule from ``marketplace.forms``, serializers from ``marketplace.serializers``; both
call ``text_rule_apply`` on each of their text fields, so no field is written to by hand.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible

# C0 controls, DEL and the C1 controls; a single line also refuses the Unicode line and paragraph
# separators, which mail and text tools treat as line breaks too.
SINGLE_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MULTI_LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters in a text value, or in each text of a list (skills, links)."""

    code = "control_character"

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        values = value if isinstance(value, list | tuple) else [value]
        pattern = MULTI_LINE_CONTROL if self.multiline else SINGLE_LINE_CONTROL
        for text in values:
            if not isinstance(text, str):
                continue
            found = pattern.search(text)
            if found:
                raise ValidationError(self.message(found.group()), code=self.code)

    def message(self, char: str) -> str:
        point = f"U+{ord(char):04X}"
        if self.multiline:
            return (
                f"Remove the invisible control character ({point}) from this text: "
                "only line breaks and tabs are allowed."
            )
        return f"Enter this on a single line, without line breaks, tabs or other control characters (found {point})."

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline


def text_rule_apply(validators: list, *, multiline: bool) -> list:
    """``validators`` with the control-character rule in place of Django's NUL check (the rule
    covers NUL too, and one message is clearer than two); unchanged when the rule is there."""
    if any(isinstance(v, ControlCharacterValidator) for v in validators):
        return validators
    kept = [v for v in validators if not isinstance(v, ProhibitNullCharactersValidator)]
    return [*kept, ControlCharacterValidator(multiline=multiline)]
