"""API building blocks that know nothing of workspaces: strict input, versions and If-Match."""

import re

from django.core.validators import MaxLengthValidator
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status


def validated(serializer_class: type[serializers.Serializer], data, **kwargs) -> dict:
    """Validate request data with an input serializer; a failure becomes a 400 with field errors."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# ---- strict input ------------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A string, and only a string (DRF would turn 5 into "5"); over its cap, the model's message."""

    default_error_messages = {"max_length": "At most {max_length} characters."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictSerializerMixin:
    """Unknown fields are errors; read-only fields are errors unless they repeat the stored value.

    The second rule lets a client PUT back what it read, but never silently drops a change it
    asked for (like a new `rank`: moves go through the move action).
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            current = None
            for name, value in data.items():
                field = self.fields.get(name)
                if field is None:
                    errors[name] = ["Unknown field."]
                elif field.read_only:
                    if current is None and self.instance is not None and not isinstance(self.instance, list):
                        current = self.to_representation(self.instance)
                    if current is None or current.get(name) != value:
                        errors[name] = [getattr(self, "read_only_hints", {}).get(name, "This field is read-only.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: serializers.URLField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
    }

    def get_validators(self):
        # Uniqueness and cross-field rules are checked by the model's full_clean() in the service.
        return []

    def get_fields(self):
        fields = super().get_fields()
        # The parent of an object (its product, workspace, objective) is chosen once, at creation.
        if self.instance is not None:
            for name in getattr(self.Meta, "create_only_fields", ()):
                if name in fields:
                    fields[name].read_only = True
        return fields


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    pass


class BoundedListSerializer(serializers.ListSerializer):
    """`many=True` with `max_length`: a longer list is refused before any entry is read, with a plain
    message for the field, and the schema states maxItems.

    Use it as the nested serializer's `Meta.list_serializer_class`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators = [*self.validators, MaxLengthValidator(self.max_length)]

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            raise serializers.ValidationError([self.error_messages["max_length"].format(max_length=self.max_length)])
        return super().to_internal_value(data)


class BoundedManyRelatedField(serializers.ManyRelatedField):
    """A list of related ids, at most `max_length` of them: a longer list is refused before any id is
    looked up, and the schema states maxItems."""

    default_error_messages = {"max_length": "At most {max_length} items."}

    def __init__(self, *, max_length: int, **kwargs):
        self.max_length = max_length
        kwargs["validators"] = [*kwargs.get("validators", ()), MaxLengthValidator(max_length)]
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


# ---- versioned writes --------------------------------------------------------------------------


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it: this is its current version. Nothing was saved."
    default_code = "precondition_failed"

    def __init__(self, current: dict):
        super().__init__()
        self.current = current


IF_MATCH_VALUE = re.compile(r'(?:W/)?"(?P<quoted>[0-9]{1,18})"|(?P<bare>[0-9]{1,18})')


def if_match_version(request) -> int | None:
    """The version a client last read, from `If-Match: "3"` (or W/"3", or 3); None when absent."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = IF_MATCH_VALUE.fullmatch(header.strip())
    if match is None:
        raise exceptions.ValidationError({"If-Match": ['Send the object\'s version, like If-Match: "3".']})
    return int(match.group("quoted") or match.group("bare"))


def etag(obj) -> str:
    return f'"{obj.version}"'


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The `version` you last read, like "3". A stale version gets 412 and the current object.',
    pattern=r'^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$',
)

BASE_READ_ONLY = ("id", "created_at", "updated_at", "version", "created_by")
