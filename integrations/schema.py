"""OpenAPI extensions of integrations (loaded in IntegrationsConfig.ready): the Bearer token scheme,
and the webhook event names, read from core's event registry when the schema is generated."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension

from core.events import webhook_events


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (pmh_…)."}


class EventPatternSchema(OpenApiSerializerFieldExtension):
    """An event name from the registry, or a glob pattern (`initiative.*`) matching at least one."""

    target_class = "integrations.serializers.EventPatternField"

    def map_serializer_field(self, auto_schema, direction):
        known = webhook_events()
        return {
            "anyOf": [
                {"type": "string", "enum": [event.name for event in known]},
                {"type": "string", "pattern": r"[*?\[]", "description": "A pattern such as initiative.*"},
            ],
            "description": "An event, or a pattern matching some:\n"
            + "\n".join(f"- `{event.name}`: {event.description}" for event in known),
        }
