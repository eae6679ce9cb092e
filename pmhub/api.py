"""Shared pieces of the REST API (v1): input validation, access, pagination.

Endpoints live in each app's `apis.py` and are routed from the app's `api_urls.py`, which
`pmhub/api_urls.py` includes under /api/v1/.
"""

from rest_framework import serializers

from products.selectors import Access, product_access, workspace_access


def validated(serializer_class: type[serializers.Serializer], data, **kwargs) -> dict:
    """Validate request data with an input serializer; a failure becomes a 400 with field errors."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def api_product_access(request, product_id: int, capability: str | None = None) -> Access:
    """Access to a product for an API call: 404 outside the user's workspaces, 403 without the capability."""
    access = product_access(user=request.user, product_id=product_id)
    if capability is not None:
        access.require(capability)
    return access


def api_workspace_access(request, workspace_id: int, capability: str | None = None) -> Access:
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    if capability is not None:
        access.require(capability)
    return access
