"""The security page: password, and turning two-factor authentication on and off."""

import base64

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from .. import selectors, services
from ..forms import CodeForm, SetupCodeForm
from ..middleware import two_factor_note

RECOVERY_CODES_SESSION_KEY = "accounts_recovery_codes"


@login_required
def security(request):
    enabled = selectors.two_factor_enabled(user=request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "two_factor_enabled": enabled,
            "recovery_codes_left": selectors.recovery_codes_left(user=request.user) if enabled else 0,
            "code_form": CodeForm(),
            "sso_enabled": settings.OIDC_ENABLED,
            "has_password": request.user.has_usable_password(),
        },
    )


@login_required
@require_POST
def two_factor_setup_begin(request):
    try:
        services.two_factor_setup_begin(user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounts:security")
    return redirect("accounts:two_factor_setup")


def _qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (made here: no image service, works offline)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#0f172a", light="#ffffff", omitsize=False)


@login_required
def two_factor_setup(request):
    device = selectors.totp_device_pending(user=request.user)
    if device is None:
        return redirect("accounts:security")
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_setup_confirm(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            django_otp.login(request, device)
            two_factor_note(request, enabled=True)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-factor authentication is on. Keep your recovery codes somewhere safe.")
            return redirect("accounts:two_factor_recovery_codes")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_recovery_codes(request):
    """New recovery codes, shown once (GET, right after they were made), or made anew (POST, with a code)."""
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                codes = services.two_factor_recovery_codes_renew(user=request.user, code=form.cleaned_data["code"])
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                request.session[RECOVERY_CODES_SESSION_KEY] = codes
                messages.success(request, "New recovery codes made; the old ones no longer work.")
                return redirect("accounts:two_factor_recovery_codes")
        return redirect("accounts:security")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_disable(request):
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a code to turn two-factor authentication off.")
        return redirect("accounts:security")
    try:
        services.two_factor_disable(user=request.user, code=form.cleaned_data["code"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        two_factor_note(request, enabled=False)
        messages.success(request, "Two-factor authentication is off: signing in asks for your password only.")
    return redirect("accounts:security")
