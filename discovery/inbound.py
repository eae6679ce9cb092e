"""The inbound feedback endpoint: support desks and forms post notes, signed with the workspace's secret."""

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import depth_within
from products.models import Product

from .serializers import InboundNoteSerializer, InboundResultSerializer
from .services.intake import inbound_note_create, inbound_signature_valid

INBOUND_PER_MINUTE = settings.INBOUND_FEEDBACK_PER_MINUTE  # per workspace
BODY_MAX = 64 * 1024


class Unsigned(exceptions.AuthenticationFailed):
    default_detail = "Sign the body with the workspace's inbound secret (X-PMHub-Timestamp, X-PMHub-Signature)."


class InboundFeedbackApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get_authenticate_header(self, request) -> str:
        return 'HMAC-SHA256 realm="pmhub-inbound"'  # makes a bad signature a 401, not a 403

    @extend_schema(
        request=InboundNoteSerializer,
        responses={
            201: InboundResultSerializer,
            200: InboundResultSerializer,
            401: OpenApiResponse(description="Missing, stale or wrong signature."),
            429: OpenApiResponse(description="Too many deliveries this minute."),
        },
        parameters=[
            OpenApiParameter("X-PMHub-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("X-PMHub-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        ],
        auth=[],
        description="Record a feedback note from a support desk or a form. Sign `<timestamp>.<raw body>` with "
        "HMAC-SHA256 and the workspace's inbound secret (shown once on the workspace's feedback intake page): "
        "`X-PMHub-Timestamp: <unix seconds>`, `X-PMHub-Signature: sha256=<hex>`. The sender's email is matched to "
        "a customer by address or domain. An `external_id` already taken answers 200 with the existing note.",
    )
    def post(self, request, workspace_id: int):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > BODY_MAX:
            raise exceptions.ValidationError({"body": [f"A JSON object of at most {BODY_MAX} bytes."]})
        raw = request.body  # the exact bytes the sender signed (read before any parser touches the stream)
        if not raw or len(raw) > BODY_MAX:
            raise exceptions.ValidationError({"body": [f"A JSON object of at most {BODY_MAX} bytes."]})
        signed = inbound_signature_valid(
            workspace_id=workspace_id,
            timestamp=request.headers.get("X-PMHub-Timestamp", ""),
            signature=request.headers.get("X-PMHub-Signature", ""),
            body=raw,
        )
        if not signed:
            raise Unsigned()
        key = f"discovery-inbound:{workspace_id}"
        cache.add(key, 0, 60)
        if cache.incr(key) > INBOUND_PER_MINUTE:
            raise exceptions.Throttled(wait=60)
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise exceptions.ParseError("The body is not JSON.") from error
        if not depth_within(body, 5):
            raise exceptions.ParseError("The body is nested too deeply.")
        serializer = InboundNoteSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        product = Product.objects.filter(pk=data.pop("product"), workspace_id=workspace_id).first()
        if product is None:
            raise exceptions.ValidationError({"product": ["No such product in this workspace."]})
        with transaction.atomic():
            note, created = inbound_note_create(product=product, data=data)
        return Response(
            {"id": note.pk, "created": created}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
