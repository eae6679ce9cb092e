"""Friendly error pages: a person sees what happened and where to go, never a stack trace."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"message": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(None, "errors/500.html", status=500)
