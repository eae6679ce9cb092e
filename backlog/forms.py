from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.bounds import DATE_WINDOW_ATTRS
from core.forms import DateInput, SearchSelect
from customfields.forms import CustomValuesFormMixin
from customfields.selectors import field_definitions_for
from roadmap.models import Release
from workspaces.forms import ScopedModelForm
from workspaces.selectors import users_of_workspace

from .label_models import label_names_sorted
from .models import IMPACT_CHOICES, AcceptanceCriterion, BacklogItem, ExternalLink, ItemStatus, Sprint
from .services.labels import label_names_clean, label_names_from_text

PARENT_KINDS = ("epic", "feature")


class ItemForm(CustomValuesFormMixin, ScopedModelForm):
    # The copy an editor loaded: a save based on an older one is refused (see ItemCrud._save).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    impact = forms.TypedChoiceField(
        choices=[("", "—")] + [(str(v), label) for v, label in IMPACT_CHOICES],
        coerce=Decimal,
        empty_value=None,
        required=False,
    )

    # The item's labels by name (services/labels.py); not a model field of the form: the services set them.
    labels = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Separate labels with commas, like “checkout, mobile”. A new name becomes a label of this product.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = BacklogItem
        fields = [
            "kind",
            "title",
            "description",
            "status",
            "story_points",
            "owner",
            "parent",
            "initiative",
            "release",
            "sprint",
            "as_a",
            "i_want",
            "so_that",
            "moscow",
            "reach",
            "impact",
            "confidence",
            "effort",
            "business_value",
            "time_criticality",
            "risk_reduction",
            "job_size",
        ]
        widgets = {
            "i_want": forms.Textarea(attrs={"rows": 2}),
            "so_that": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, custom: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if custom and self.access.product is not None:
            users = users_of_workspace(workspace_id=self.access.workspace.pk)  # read only for a person field
            self.add_custom_fields(field_definitions_for(product=self.access.product, target="item"), users=users)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial["labels"] = ", ".join(label_names_sorted(label.name for label in self.instance.labels.all()))
        if self.instance.impact is not None:
            self.initial["impact"] = str(Decimal(self.instance.impact).normalize())
        # A product has hundreds of initiatives: ScopedModelForm reads their choices in one query and writes
        # them quickly (core.forms.quicken), as every relation's.
        parent_choices = self.fields["parent"].queryset.select_related("product").filter(kind__in=PARENT_KINDS)
        if self.instance.pk:
            parent_choices = parent_choices.exclude(pk=self.instance.pk)
        # Thousands of epics and features: searched as you type, never listed in the page.
        url = reverse("backlog:item_parent_choices", kwargs={"product_id": self.instance.product_id})
        if self.instance.pk:
            url += f"?exclude={self.instance.pk}"
        widget = SearchSelect(search_url=url, label=lambda item: f"{item.key} {item.title}")
        widget.queryset = parent_choices
        self.fields["parent"].widget = widget
        self.fields["parent"].queryset = parent_choices.order_by("rank")
        self.fields["parent"].help_text = "An epic or a feature: type part of its title or its number."

    def clean_labels(self) -> list[str]:
        try:
            return label_names_clean(label_names_from_text(self.cleaned_data.get("labels", "")))
        except ValidationError as error:
            raise ValidationError(error.message_dict["labels"]) from error

    def clean(self):
        data = super().clean()
        if self.custom_definitions:
            # Set on the instance too: a new object is saved from the form's instance.
            data["custom_fields"] = self.instance.custom_fields = self.custom_values()
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = AcceptanceCriterion
        fields = ["text"]
        labels = {"text": "New criterion"}
        help_texts = {"text": "Given a context, when something happens, then an outcome a tester can check."}
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "placeholder": "Given … when … then …"})}


class ExternalLinkForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label="Link to an issue elsewhere")

    class Meta:
        model = ExternalLink
        fields = ["url", "key"]
        labels = {"url": "Link to an issue elsewhere", "key": "Its key"}
        help_texts = {"key": "How the other system names it, like JIRA-12 or acme/pay#42."}


class SprintForm(ScopedModelForm):
    class Meta:
        model = Sprint
        fields = ["name", "goal", "start_date", "end_date", "capacity_points"]
        widgets = {"start_date": DateInput(attrs=DATE_WINDOW_ATTRS), "end_date": DateInput(attrs=DATE_WINDOW_ATTRS)}


class InlineItemForm(ScopedModelForm):
    """The fields a backlog row edits in place; `version` is the copy the editor loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    impact = ItemForm.base_fields["impact"]

    class Meta:
        model = BacklogItem
        fields = [
            "title",
            "status",
            "moscow",
            "story_points",
            "reach",
            "impact",
            "confidence",
            "effort",
            "business_value",
            "time_criticality",
            "risk_reduction",
            "job_size",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
            if self.instance.impact is not None:
                self.initial["impact"] = str(Decimal(self.instance.impact).normalize())


class StoryForm(ScopedModelForm):
    """The story editor: as a / I want / so that, and the points that decide whether it fits a sprint."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = BacklogItem
        fields = ["as_a", "i_want", "so_that", "story_points"]
        widgets = {"i_want": forms.Textarea(attrs={"rows": 2}), "so_that": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    sprint = forms.ModelChoiceField(queryset=Sprint.objects.none(), required=False, empty_label="— keep —")
    release = forms.ModelChoiceField(queryset=None, required=False, empty_label="— keep —")
    status = forms.ChoiceField(required=False)
    clear_sprint = forms.BooleanField(required=False, label="Back to backlog (no sprint)")

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sprint"].queryset = Sprint.objects.filter(product=product).exclude(status="closed")
        self.fields["release"].queryset = Release.objects.filter(product=product)
        self.fields["status"].choices = [("", "— keep —"), *ItemStatus.choices]
        # Ids are checked against the product in the service; here only their shape.
        self.fields["ids"].choices = [(v, v) for v in (self.data.getlist("ids") if self.is_bound else [])]

    def changes(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("sprint", "release", "status") if self.cleaned_data.get(k)}
        if self.cleaned_data.get("clear_sprint"):
            data["sprint"] = None
        return data


class RejectForm(forms.Form):
    # The cap and its message are the model field's.
    reason = BacklogItem._meta.get_field("rejection_reason").formfield(
        required=True,
        label="Reason",
        help_text="",
        error_messages={"required": "Say why the work is rejected, so the team can fix it."},
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What is missing or wrong?"}),
    )


class PlanForm(forms.Form):
    item = forms.IntegerField()
    target = forms.ChoiceField(choices=[("sprint", "sprint"), ("backlog", "backlog")])
    before = forms.IntegerField(required=False)
    after = forms.IntegerField(required=False)


class CriterionMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class SprintCompleteForm(forms.Form):
    carry_over = forms.ChoiceField(
        label="Unfinished items go to",
        choices=[
            ("next", "The next planned sprint"),
            ("new", "A new sprint after this one"),
            ("backlog", "The backlog"),
        ],
        widget=forms.RadioSelect,
        initial="next",
    )
    target = forms.ModelChoiceField(
        queryset=Sprint.objects.none(), required=False, label="Next sprint", empty_label="The next one by date"
    )

    def __init__(self, *args, sprint: Sprint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Sprint.objects.filter(product_id=sprint.product_id).exclude(status="closed").exclude(pk=sprint.pk)
        )


class DependencyForm(forms.Form):
    depends_on = forms.IntegerField(label="Waits for (item number)", min_value=1, max_value=2_147_483_647)


class SavedViewForm(forms.Form):
    """Save the view on screen: its query string comes from the page, the name from the person."""

    name = forms.CharField(max_length=80, label="View name")
    shared = forms.BooleanField(required=False, label="Share with the workspace")
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, can_share: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_share = can_share  # the page offers sharing only then; the service decides

    def clean(self):
        data = super().clean()
        data.setdefault("shared", False)
        return data
