from django import forms

from backlog.models import ItemKind, ItemStatus

from .formats.records import FORMATS
from .mapping import SPRINT_ACTIONS
from .targets import targets


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"accept": ".csv,.json,.xlsx"}),
        help_text="A Jira CSV (all fields) export, Jira search pages as JSON (several files, plus the field list), "
        "a Trello board export, or any CSV / XLSX table.",
    )
    format = forms.ChoiceField(choices=[("", "Detect from the file"), *FORMATS.items()], required=False)
    target = forms.ChoiceField(
        choices=[], initial="items", help_text="What a generic table holds (Jira and Trello hold items)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t.name, t.label) for t in targets()]


class MappingForm(forms.Form):
    """One select per source name, built from what the preview detected."""

    include_archived = forms.BooleanField(required=False, label="Include archived cards (Trello)")

    def __init__(self, *args, batch, members, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {}
        mapping = batch.mapping
        people = [("", "Nobody")] + [(str(m.user_id), m.user.get_full_name() or m.user.username) for m in members]
        plan = [
            (
                "columns",
                batch.detected.get("header", []) if batch.format in ("csv", "xlsx") else [],
                [("", "Do not import"), *fields.items()],
            ),
            ("status", [s["name"] for s in batch.detected.get("statuses", [])], ItemStatus.choices),
            ("kind", batch.detected.get("types", []), ItemKind.choices),
            ("people", batch.detected.get("people", []), people),
            ("sprints", batch.detected.get("sprints", []), [(a, a.capitalize()) for a in SPRINT_ACTIONS]),
        ]
        for section, names, choices in plan:
            self.sections[section] = []
            for index, name in enumerate(names):
                field_name = f"{section}__{index}"
                current = mapping.get(section, {}).get(name)
                self.fields[field_name] = forms.ChoiceField(
                    label=name or "(empty)",
                    choices=choices,
                    required=False,
                    initial="" if current is None else str(current),
                )
                self.sections[section].append((name, field_name))
        self.fields["include_archived"].initial = bool(mapping.get("include_archived"))

    def section_fields(self, section: str):
        return [self[field_name] for _, field_name in self.sections.get(section, [])]

    @property
    def columns_fields(self):
        return self.section_fields("columns")

    @property
    def status_fields(self):
        return self.section_fields("status")

    @property
    def kind_fields(self):
        return self.section_fields("kind")

    @property
    def people_fields(self):
        return self.section_fields("people")

    @property
    def sprints_fields(self):
        return self.section_fields("sprints")

    def mapping(self) -> dict:
        found: dict = {"include_archived": self.cleaned_data.get("include_archived", False)}
        for section, pairs in self.sections.items():
            values = {}
            for name, field_name in pairs:
                value = self.cleaned_data.get(field_name, "")
                if section == "people":
                    value = int(value) if value else None
                elif section != "columns" and not value:
                    continue  # not sent: the choice stays as it was
                values[name] = value
            if pairs:
                found[section] = values
        return found
