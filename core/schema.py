"""OpenAPI helpers shared by every app's endpoints."""

from drf_spectacular.utils import extend_schema, extend_schema_view


def resource_docs(entity: str, extra: str = ""):
    """The descriptions of a resource viewset's standard operations, for the OpenAPI schema."""
    return extend_schema_view(
        list=extend_schema(description=f"List the {entity} of your workspaces. {extra}".strip()),
        retrieve=extend_schema(description=f"One of the {entity}, with its `version` (also sent as ETag)."),
        create=extend_schema(description=f"Create one of the {entity}."),
        update=extend_schema(description=f"Replace one of the {entity}; send If-Match with its version."),
        partial_update=extend_schema(description=f"Change fields of one of the {entity}; send If-Match."),
        destroy=extend_schema(description=f"Delete one of the {entity}; send If-Match."),
    )
