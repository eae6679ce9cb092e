from django import template

register = template.Library()


@register.filter
def custom_value(obj, key: str) -> str:
    """One custom field's value of an item or initiative as people read it ("—" when unset)."""
    value = (getattr(obj, "custom_fields", None) or {}).get(key)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
