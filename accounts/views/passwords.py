"""Password reset by email and password change, on Django's views.

The reset page answers the same for every address, known or not; Django emails only active
accounts with a usable password (accounts made by single sign-on have none).
"""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from ..services import sign_in_lockout_clear


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever could read the reset email may sign in again at once.
        sign_in_lockout_clear(username=form.user.get_username())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")
