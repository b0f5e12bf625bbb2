from django import forms

from marketplace.forms import Form

from . import events


class PreferencesForm(Form):
    email_events = forms.MultipleChoiceField(
        label="Send me an email when…", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_events"].choices = [(e.name, e.label) for e in events.configurable()]
