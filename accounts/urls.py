from django.contrib.auth import views as auth_views
from django.urls import path

from . import oidc
from .views import passwords, sign_in, two_factor

app_name = "accounts"
urlpatterns = [
    path("security/", two_factor.security, name="security"),
    path("two-factor/start/", two_factor.two_factor_setup_begin, name="two_factor_setup_begin"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", two_factor.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/disable/", two_factor.two_factor_disable, name="two_factor_disable"),
    path("two-factor/verify/", sign_in.two_factor_verify, name="two_factor_verify"),
    path("password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("oidc/authenticate/", oidc.OIDCAuthenticateView.as_view(), name="oidc_authenticate"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_callback"),
]
