"""The API's one error shape, installed as REST_FRAMEWORK["EXCEPTION_HANDLER"].

Kept apart from core.exceptions: it imports rest_framework.views, whose loading reads the
authentication classes, and those import code that raises core.exceptions' errors.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .exceptions import ApplicationError, validation_error_dict


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
