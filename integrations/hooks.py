"""Inbound webhooks of code hosts (GitHub, GitLab): verified per provider, then applied once per delivery.

No session and no CSRF token: the signature (GitHub) or the secret token (GitLab) is the proof.
Answers: 404 for an unknown or inactive integration, 401 for a missing or wrong signature, 400 for a
body that is not JSON, 413 for a body over the cap, 200 with what the delivery did otherwise.
"""

import json
from urllib.parse import parse_qs

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .codehosts import VerificationError, code_host_delivery_receive, delivery_id, verify
from .models import CodeHostIntegration, CodeHostProvider

BODY_MAX = 5 * 1024 * 1024


def _payload(request, body: bytes):
    if request.content_type == "application/x-www-form-urlencoded":  # GitHub's other content type
        body = (parse_qs(body.decode("utf-8", errors="replace")).get("payload") or [""])[0].encode()
    return json.loads(body)


@csrf_exempt
@require_POST
def code_host_hook(request, provider: str, hook_id):
    if provider not in CodeHostProvider.values:
        raise Http404
    integration = CodeHostIntegration.objects.filter(hook_id=hook_id, provider=provider, is_active=True).first()
    if integration is None:
        raise Http404
    body = request.read(BODY_MAX + 1)
    if len(body) > BODY_MAX:
        return JsonResponse({"detail": "The delivery is larger than 5 MB."}, status=413)
    try:
        verify(integration=integration, headers=request.headers, body=body)
    except VerificationError as error:
        return JsonResponse({"detail": str(error)}, status=401)
    event = request.headers.get("X-GitHub-Event") or request.headers.get("X-Gitlab-Event") or ""
    if event == "ping":
        return JsonResponse({"pong": True})
    try:
        payload = _payload(request, body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    result = code_host_delivery_receive(
        integration=integration,
        event=event,
        delivery=delivery_id(integration=integration, headers=request.headers, body=body),
        payload=payload,
    )
    return JsonResponse(result)
