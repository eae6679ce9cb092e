from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in

from .middleware import two_factor_note_at_sign_in


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self):
        # Every way of signing in (password, admin, single sign-on, invitation) ends in
        # django.contrib.auth.login, which sends this signal.
        user_logged_in.connect(two_factor_note_at_sign_in, dispatch_uid="accounts.two_factor_note_at_sign_in")


class PMHubAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with PMHub's admin site as the default one (INSTALLED_APPS names this)."""

    default = False
    default_site = "accounts.admin_site.PMHubAdminSite"
