"""OpenAPI extensions of integrations (loaded in IntegrationsConfig.ready): the Bearer token scheme,
and the webhook event names, read from core's event registry when the schema is generated."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension

from core.events import webhook_events

from .webhooks import webhook_event_choices


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (pmh_…)."}


class EventPatternSchema(OpenApiSerializerFieldExtension):
    """An event name from the registry, every event of one kind (`initiative.*`), or all (`*`)."""

    target_class = "integrations.serializers.EventPatternField"

    def map_serializer_field(self, auto_schema, direction):
        known = webhook_events()
        return {
            "type": "string",
            "enum": webhook_event_choices(),
            "description": "An event, every event of one kind (`item.*`), or `*` for all:\n"
            + "\n".join(f"- `{event.name}`: {event.description}" for event in known),
        }
