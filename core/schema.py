"""OpenAPI helpers shared by every app's endpoints.

The schema must tell clients the truth: whatever the API refuses, the schema refuses too, so that a
client (or a fuzzer) that sends schema-valid data gets it accepted. `PMHubAutoSchema` and the
post-processing hook close the gaps drf-spectacular leaves:

- request bodies take no unknown fields (`additionalProperties: false`), as the strict serializers
  refuse them;
- a field chosen once at creation (`Meta.create_only_fields`: the product, workspace, objective…) is
  not part of the update bodies;
- a decimal is a string of at least one digit, without a sign when the field refuses negatives;
- text never holds a NUL character, and text that may not be blank holds something besides spaces
  (the serializers trim it); URLs are http(s) or ftp(s); planning dates lie in the date window;
- rules over several fields that a serializer declares in `Meta.schema_exactly_one` become a `oneOf`:
  each entry is a tuple of names, the first of which picks that branch and the rest of which that
  branch requires too (`(("kpi",), ("key_result", "confidence"))`: give a KPI, or a key result with a
  confidence, never both).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from .bounds import DATE_MAX, DATE_MIN, validate_date_in_window

UPDATE_ACTIONS = {"update", "partial_update"}
TEXT = r"^[^\u0000]+$"  # spectacular adds "or empty" for fields that may be blank
TEXT_NOT_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
URL = r"^(?:[hH][tT][tT][pP][sS]?|[fF][tT][pP][sS]?)://[^\s\u0000]+$"
_update_variants: dict[type, type] = {}


def rules_text(rules) -> str:
    """Rules across fields or over stored objects, which a JSON schema cannot express, in the
    operation's description: one per line after "Rules:", each as the API words its refusal."""
    return "\n\nRules:\n" + "\n".join(f"- {rule}" for rule in rules) if rules else ""


def resource_docs(entity: str, extra: str = "", *, rules=()):
    """The descriptions of a resource viewset's standard operations, for the OpenAPI schema."""
    stated = rules_text(rules)
    return extend_schema_view(
        list=extend_schema(description=f"List the {entity} of your workspaces. {extra}".strip()),
        retrieve=extend_schema(description=f"One of the {entity}, with its `version` (also sent as ETag)."),
        create=extend_schema(description=f"Create one of the {entity}.{stated}"),
        update=extend_schema(description=f"Replace one of the {entity}; send If-Match with its version.{stated}"),
        partial_update=extend_schema(description=f"Change fields of one of the {entity}; send If-Match.{stated}"),
        destroy=extend_schema(description=f"Delete one of the {entity}; send If-Match."),
    )


def update_variant(serializer_class: type) -> type:
    """The serializer as an update sees it: its create-only fields are read-only (a new class, so the
    schema gets a component of its own, `<Name>UpdateRequest`)."""
    names = tuple(getattr(getattr(serializer_class, "Meta", None), "create_only_fields", ()))
    if not names:
        return serializer_class
    variant = _update_variants.get(serializer_class)
    if variant is None:

        def get_fields(self):
            fields = super(variant, self).get_fields()
            for name in names:
                if name in fields:
                    fields[name].read_only = True
            return fields

        name = serializer_class.__name__.removesuffix("Serializer") + "UpdateSerializer"
        variant = type(name, (serializer_class,), {"get_fields": get_fields, "__module__": serializer_class.__module__})
        _update_variants[serializer_class] = variant
    return variant


def decimal_bounds(field: serializers.DecimalField):
    low = next((v.limit_value for v in field.validators if isinstance(v, MinValueValidator)), field.min_value)
    high = next((v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)), field.max_value)
    return low, high


def decimal_pattern(field: serializers.DecimalField) -> str:
    low, _ = decimal_bounds(field)
    sign = "" if low is not None and low >= 0 else "-?"
    places = field.decimal_places
    if low is not None and 0 < low <= Decimal(1).scaleb(-places):
        sign = "(?=[0-9.]*[1-9])"  # above zero, and the smallest step is allowed: any digit but 0
    whole = field.max_whole_digits if field.max_whole_digits is not None else 30
    whole_part = r"0" if whole == 0 else rf"[0-9]{{1,{whole}}}"
    fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
    return rf"^{sign}{whole_part}{fraction}$"


class PMHubAutoSchema(AutoSchema):
    def get_request_serializer(self):
        serializer = super().get_request_serializer()
        if getattr(self.view, "action", None) in UPDATE_ACTIONS and serializer is not None:
            if isinstance(serializer, type):
                return update_variant(serializer)
            variant = update_variant(type(serializer))
            if variant is not type(serializer):
                return variant()
        return serializer

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body and getattr(getattr(self.get_request_serializer(), "Meta", None), "schema_exactly_one", ()):
            body["required"] = True  # an empty body gives none of the choices
        return body

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and schema.get("type") == "string" and "pattern" not in schema:
            if isinstance(field, serializers.DateField) and validate_date_in_window in field.validators:
                years = f"{DATE_MIN.year // 100}[0-9]{{2}}|{DATE_MAX.year}"
                assert DATE_MIN.year % 100 == 0 and DATE_MAX.year == DATE_MIN.year + 100, "years as a pattern"
                schema["pattern"] = rf"^(?:{years})-[0-9]{{2}}-[0-9]{{2}}$"
            elif isinstance(field, serializers.URLField):
                schema["pattern"] = URL
            elif (
                isinstance(field, serializers.CharField)
                and not ({"format", "enum"} & set(schema))
                and not any(
                    isinstance(v, RegexValidator)
                    for v in field.validators  # its own pattern wins
                )
            ):
                schema["pattern"] = TEXT if field.allow_blank else TEXT_NOT_BLANK
        enum = getattr(field, "schema_enum", None)
        if enum is not None:  # values that differ by direction (a decimal's steps, a status set by hand)
            dropped = ("pattern", "format", "x-spec-enum-id")  # the enum's identity follows its values now
            schema = {**{k: v for k, v in schema.items() if k not in dropped}, "enum": enum[direction]}
            if field.allow_null:
                schema["enum"] = [*schema["enum"], None]
            return schema
        if isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
            schema["pattern"] = decimal_pattern(field)
            low, high = decimal_bounds(field)
            bounds = [f"at least {low}" if low is not None else "", f"at most {high}" if high is not None else ""]
            if any(bounds):
                note = "A number " + " and ".join(b for b in bounds if b) + "."
                schema["description"] = f"{schema.get('description', '')} {note}".strip()
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            schema.setdefault("additionalProperties", False)
            branches = getattr(getattr(serializer, "Meta", None), "schema_exactly_one", ())
            if branches:
                schema["oneOf"] = [exactly_one_branch(schema, branch, branches) for branch in branches]
        return schema


def exactly_one_branch(schema: dict, branch: tuple[str, ...], branches) -> dict:
    """One `oneOf` branch: its names given and not null, the other branches' leading names absent."""
    properties = {}
    for name in branch:
        prop = dict(schema["properties"].get(name, {}))
        prop.pop("nullable", None)
        properties[name] = prop
    others = [{"required": [other[0]]} for other in branches if other is not branch and other[0] not in properties]
    result = {"required": list(branch), "properties": properties}
    if others:
        result["not"] = {"anyOf": others}
    return result


def postprocess_query_text(result, generator, request, public):
    """Text in a query string never holds a NUL character either (the filters refuse it)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                plain_text = schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema))
                if parameter.get("in") == "query" and plain_text:
                    schema["pattern"] = r"^[^\u0000]*$"
    return result
