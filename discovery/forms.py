from django import forms
from django.core.exceptions import ValidationError

from core.bounds import DATE_WINDOW_ATTRS, TEXT_SHORT
from core.forms import DateInput
from workspaces.forms import ScopedModelForm

from .models import (
    IMPORT_BYTES_MAX,
    TAG_LENGTH_MAX,
    TAGS_MAX,
    Customer,
    DiscoverySettings,
    FeedbackNote,
    Idea,
    IdeasPortal,
    Importance,
    NoteSource,
    NoteState,
    Sentiment,
)


class TagsField(forms.CharField):
    """Tags typed as "billing, export": a list of lower-case words."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", TAGS_MAX * (TAG_LENGTH_MAX + 2))
        kwargs.setdefault("help_text", f"Comma-separated, at most {TAGS_MAX}.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [t.strip().lower() for t in text.replace(";", ",").split(",") if t.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class CustomerForm(ScopedModelForm):
    class Meta:
        model = Customer
        fields = ["name", "kind", "email_domain", "email", "segment", "plan", "revenue", "seats"]


class NoteForm(ScopedModelForm):
    tags = TagsField()

    class Meta:
        model = FeedbackNote
        fields = ["title", "text", "source", "customer", "received_on", "tags", "link"]
        widgets = {"received_on": DateInput(attrs=DATE_WINDOW_ATTRS), "text": forms.Textarea(attrs={"rows": 10})}


class IdeaForm(ScopedModelForm):
    class Meta:
        model = Idea
        fields = ["title", "problem", "proposer", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status == "promoted":
            del self.fields["status"]  # a promoted idea stays promoted
        else:
            self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != "promoted"]


class InsightForm(forms.Form):
    """Link a passage of a note to exactly one target (the triage inbox fills `target` as "item:12")."""

    passage = forms.CharField(max_length=TEXT_SHORT, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    importance = forms.ChoiceField(choices=Importance.choices, initial=Importance.IMPORTANT)
    target = forms.CharField(max_length=40, help_text="item:<id>, initiative:<id> or idea:<id>.")

    def clean_target(self):
        kind, _, pk = self.cleaned_data["target"].partition(":")
        if kind not in ("item", "initiative", "idea") or not pk.isdigit() or len(pk) > 12:
            raise ValidationError("Choose an item, an initiative or an idea.")
        return kind, int(pk)


class NoteFilterForm(forms.Form):
    source = forms.ChoiceField(choices=[("", "Any source"), *NoteSource.choices], required=False)
    state = forms.ChoiceField(choices=[("", "Any state"), *NoteState.choices], required=False)
    sentiment = forms.ChoiceField(choices=[("", "Any sentiment"), *Sentiment.choices], required=False)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    segment = forms.CharField(max_length=60, required=False)
    tag = forms.CharField(max_length=TAG_LENGTH_MAX, required=False)
    q = forms.CharField(max_length=200, required=False, label="Search")


class CsvUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row, UTF-8.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_BYTES_MAX:
            raise ValidationError(f"At most {IMPORT_BYTES_MAX // (1024 * 1024)} MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None


class MboxUploadForm(CsvUploadForm):
    file = forms.FileField(help_text="A mailbox file (mbox) or one message (.eml).")


class DiscoverySettingsForm(forms.ModelForm):
    class Meta:
        model = DiscoverySettings
        fields = ["weight_basis", "nice_weight", "important_weight", "critical_weight", "vote_weight"]


class PortalForm(forms.ModelForm):
    class Meta:
        model = IdeasPortal
        fields = ["is_open", "requires_sign_in", "intro"]


PORTAL_TEXT_MAX = 2_000


class PortalIdeaForm(forms.Form):
    """A visitor's idea. `website` is a honeypot: people leave it empty, form-filling bots do not."""

    title = forms.CharField(max_length=200, min_length=5)
    problem = forms.CharField(max_length=PORTAL_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    email = forms.EmailField(max_length=254, help_text="To count your vote once; never shown.")
    website = forms.CharField(required=False, max_length=200, label="Leave this empty")

    def clean(self):
        data = super().clean()
        text = f"{data.get('title', '')} {data.get('problem', '')}".lower()
        if text.count("http://") + text.count("https://") > 2:
            raise ValidationError("Too many links: describe the problem in your words.")
        return data


class PortalVoteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    website = forms.CharField(required=False, max_length=200, label="Leave this empty")
