from django import forms

from marketplace.forms import Form

from .services import MAX_LENGTH


class MessageForm(Form):
    body = forms.CharField(
        label="Your message",
        max_length=MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="Plain text; addresses become links, and [text](https://…) works too.",
        error_messages={"required": "Write a message before sending."},
    )
    # The newest message the page shows: the answer brings what came after it.
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class ThreadCursorForm(Form):
    """The query of the thread fragments: ``after`` (the newest message a page shows) for the
    poll, ``before`` (the oldest it shows) for earlier messages."""

    after = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
    before = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)

    @classmethod
    def read(cls, data) -> "ThreadCursorForm":
        form = cls(data)
        form.is_valid()
        return form
