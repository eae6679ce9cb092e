from .selectors import products_for_user


def navigation(request) -> dict:
    """The workspace and product switcher in the top bar (one query, only for signed-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_products": lambda: list(products_for_user(user=user).order_by("workspace__name", "name"))}
