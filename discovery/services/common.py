"""What every discovery write shares: one payload shape per event."""

from core.events import publish


def announce(event: str, *, workspace_id: int, obj, **data) -> None:
    publish(
        event=event, workspace_id=workspace_id, data={"id": obj.pk, "version": getattr(obj, "version", None), **data}
    )
