"""The generic list / detail / form pages, bound to the products app's access lookup."""

from workspaces import pages
from workspaces.pages import Column, split_form_data

from .selectors import product_access

__all__ = ["Column", "Crud", "split_form_data"]


class Crud(pages.Crud):
    """Pages of a product's objects (scope "product"), or of a workspace's (scope "workspace")."""

    product_access = staticmethod(product_access)
