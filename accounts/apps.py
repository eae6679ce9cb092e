from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts and sign-in"


class PMHubAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with PMHub's admin site as the default one (INSTALLED_APPS names this)."""

    default = False
    default_site = "accounts.admin_site.PMHubAdminSite"
