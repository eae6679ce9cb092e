"""Form helpers that know nothing of workspaces: model errors onto forms, date inputs."""

import html

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.safestring import mark_safe


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a model ValidationError to a form, keeping messages for fields the form lacks."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for e in errors:
            form.add_error(target, e if target or field == NON_FIELD_ERRORS else f"{field}: {e.messages[0]}")


class DateInput(forms.DateInput):
    input_type = "date"


def _esc(value) -> str:
    """As the template's autoescape (conditional_escape), without its lazy-string wrappers."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _html_attrs(attrs: dict) -> str:
    """As Django's widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {_esc(k)}" if v is True else f' {_esc(k)}="{_esc(v)}"' for k, v in attrs.items() if v is not False
    )


class QuickModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a model field read in one plain query (no server-side cursor: three round trips)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class QuickSelect(forms.Select):
    """A <select> with the HTML of Django's Select, written here rather than by one template include
    per option: a list of hundreds of choices (a product's initiatives) costs about what ten cost.
    Give its ModelChoiceField `iterator = QuickModelChoiceIterator` to read the choices in one query."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_esc(widget["name"])}"{_html_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_esc(group_name)}">')
            parts += [
                f'<option value="{_esc(o["value"])}"{_html_attrs(o["attrs"])}>{_esc(o["label"])}</option>'
                for o in options
            ]
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n  ".join(parts))


def quicken(field: forms.Field) -> None:
    """Give a single-choice model field with Django's plain <select> the QuickSelect widget and the
    one-query iterator: same HTML, a fraction of the cost. Scoped forms and filters (workspaces.forms,
    workspaces.filters) call it on every such field, so no page pays a template per option."""
    if not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField):
        return
    if type(field.widget) is forms.Select:
        old = field.widget
        field.widget = QuickSelect(attrs=old.attrs)
        field.widget.is_required, field.widget.is_localized = old.is_required, old.is_localized
    elif not isinstance(field.widget, QuickSelect):
        return
    field.iterator = QuickModelChoiceIterator
    field.widget.choices = field.choices


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class SearchSelect(forms.Widget):
    """A choice among thousands as search-as-you-type: a hidden input holds the id, a combobox asks
    `search_url` (?q=…, answering {"results": [{"id", "label"}]}) as the user types
    (static/js/search-select.js). Renders no option list, so a form costs one query for the chosen
    value's label whatever the number of choices. Without JavaScript the id can be typed in."""

    template_name = "core/search_select.html"

    class Media:
        js = ["js/search-select.js"]

    def __init__(self, *, search_url: str = "", label=str, attrs=None):
        super().__init__(attrs)
        self.search_url, self.label, self.queryset = search_url, label, None

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, "") and self.queryset is not None and str(value).isdigit():
            chosen = self.queryset.filter(pk=int(value)).first()
        context["widget"].update(
            search_url=self.search_url, chosen_label=self.label(chosen) if chosen is not None else ""
        )
        return context
