"""The admin site, which asks users who turned two-factor authentication on for their code."""

from django.contrib import admin

from .selectors import two_factor_enabled


class PMHubAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not two_factor_enabled(user=request.user)
