from django import forms

from .services import MAX_LENGTH


class MessageForm(forms.Form):
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
