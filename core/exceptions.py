from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A business rule refused the operation; `message` is shown to the user as it is."""

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def validation_error_dict(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def api_exception_handler(exc, context):
    """One error shape for the whole API: {"detail": ..., "errors": {field: [messages]}}."""
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": "Invalid input.", "errors": validation_error_dict(exc)}, status=400)
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "errors": exc.extra}, status=400)
    if isinstance(exc, ProtectedError):
        return Response({"detail": "It is still in use and cannot be deleted.", "errors": {}}, status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        data = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": "Invalid input.", "errors": data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": response.data["detail"], "errors": {}}
        if hasattr(exc, "current"):  # 412: the client gets the object as it is now
            response.data["current"] = exc.current
    return response
