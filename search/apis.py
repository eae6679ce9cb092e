"""API v1: /api/v1/search/ — the command palette's search, for scripts too."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.selectors.search import SEARCH_TEXT_MAX
from core.serializers import validated
from products.selectors import api_product_access

from .selectors import KINDS, search_everything

LIMIT_MAX = 50


class SearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=SEARCH_TEXT_MAX, allow_blank=True, trim_whitespace=True)
    product = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=LIMIT_MAX, default=20)


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField()
    title = serializers.CharField()
    label = serializers.CharField(help_text="The item's key (PAY-42), or what kind of thing it is.")
    url = serializers.CharField(help_text="The page of the thing found.")
    context = serializers.CharField(help_text="Its product key, period or objective.")


class SearchOutput(serializers.Serializer):
    results = HitSerializer(many=True)


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, required=True, description=f"Words to find (at most {SEARCH_TEXT_MAX} characters)."),
        OpenApiParameter("product", int, description="Only this product's items and initiatives."),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX},
            description=f"Items to return, 1 to {LIMIT_MAX} (20 by default).",
        ),
    ],
    responses=SearchOutput,
)
class SearchApi(APIView):
    """Items (ranked full text over titles, stories, descriptions and acceptance criteria; every word
    as a prefix; a title match first; when more than 200 items match, the 200 newest title matches,
    the 200 newest matches anywhere and the 200 newest criteria matches are ranked), then products,
    initiatives, objectives and key results whose title holds every word.
    Only what your workspaces hold."""

    def get(self, request):
        data = validated(SearchInput, request.query_params)
        product_id = data.get("product")
        if product_id is not None:
            api_product_access(request, product_id)  # 404 outside the user's workspaces
        hits = search_everything(user=request.user, text=data["q"], product_id=product_id, limit=data["limit"])
        return Response({"results": [hit.as_dict() for hit in hits]})
