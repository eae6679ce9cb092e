"""API v1: customers, feedback notes, insights and ideas; CSV imports, mailbox intake, suggestions."""

import django_filters
from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from core.db import retry_on_conflict
from core.pagination import KeysetPagination
from core.schema import resource_docs, rules_text
from core.serializers import validated
from products.models import Product
from workspaces.models import Capability
from workspaces.viewsets import ResourceViewSet, make_filterset

from .models import CUSTOMER_DOMAIN, PASSAGE_NOT_QUOTED, Customer, FeedbackNote, Idea, Insight, NoteState, Sentiment
from .selectors.lists import customers_with_counts, ideas_with_counts, notes_with_counts
from .serializers import (
    CustomerSerializer,
    CustomersImportSerializer,
    FeedbackNoteSerializer,
    IdeaSerializer,
    ImportResultSerializer,
    InsightSerializer,
    MboxSerializer,
    NotesImportSerializer,
    NoteStateSerializer,
    PromoteSerializer,
    SuggestionsSerializer,
    VoteSerializer,
)
from .services.analysis import note_suggestions
from .services.customers import customer_create, customer_delete, customer_update
from .services.ideas import idea_create, idea_delete, idea_promote, idea_update, idea_vote
from .services.imports import customers_import, notes_import
from .services.insights import insight_create, insight_delete, insight_update
from .services.intake import mailbox_import
from .services.notes import note_create, note_delete, note_set_state, note_update

EDIT = Capability.EDIT_ITEMS


def _import_result(objects) -> Response:
    return Response({"created": len(objects), "ids": [o.pk for o in objects]}, status=status.HTTP_201_CREATED)


@resource_docs("customers", "Filter with ?workspace=, ?kind=, ?segment=, ?search= (name).", rules=[CUSTOMER_DOMAIN])
class CustomerViewSet(ResourceViewSet):
    model = Customer
    serializer_class = CustomerSerializer
    capability = EDIT
    workspace_path = "workspace"
    parent_field = "workspace"
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_class = make_filterset(Customer, ["workspace", "kind", "segment"])
    search_fields = ["name"]
    pagination_class = KeysetPagination
    keyset_orderings = ("name", "-name", "created_at", "-created_at")
    keyset_default = "name"

    def base_queryset(self):
        return customers_with_counts(Customer.objects.all())

    def create_service(self, *, data, access, actor):
        return customer_create(instance=Customer(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return customer_update(customer=obj, data=dict(data), actor=actor)

    def delete_service(self, *, obj, access, actor):
        customer_delete(customer=obj)

    @extend_schema(
        request=CustomersImportSerializer,
        responses={201: ImportResultSerializer},
        description="Import customers from CSV (columns: name, kind, email_domain, email, segment, plan, revenue, "
        "seats; a customer of the same name is updated). All rows or none: a 400 lists one message per bad line."
        + rules_text(["Line 1: …"]),
    )
    @action(detail=False, methods=["post"], url_path="import")
    @retry_on_conflict
    def import_csv(self, request):
        data = validated(CustomersImportSerializer, request.data, context=self.get_serializer_context())
        with transaction.atomic():
            self.access_to(data["workspace"].pk).require(EDIT)
            customers = customers_import(workspace=data["workspace"], text=data["csv"], actor=request.user)
        return _import_result(customers)


class NoteFilter(make_filterset(FeedbackNote, ["product", "state", "source", "customer"], "product__workspace")):
    tag = django_filters.CharFilter(method="with_tag", max_length=40, help_text="Notes carrying this tag.")
    segment = django_filters.CharFilter(field_name="customer__segment", max_length=60)
    sentiment = django_filters.ChoiceFilter(field_name="sentiment_label", choices=Sentiment.choices)

    def with_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value.strip().lower()])


@resource_docs(
    "feedback notes",
    "Cursor-paginated, newest first. Filter with ?product=, ?workspace=, ?state=, ?source=, ?customer=, "
    "?segment=, ?tag=, ?sentiment=, ?search= (text).",
)
class FeedbackNoteViewSet(ResourceViewSet):
    model = FeedbackNote
    serializer_class = FeedbackNoteSerializer
    capability = EDIT
    select_related = ("product",)
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_class = NoteFilter
    search_fields = ["title", "text"]
    pagination_class = KeysetPagination
    keyset_orderings = ("-created_at", "created_at", "-updated_at", "updated_at")
    keyset_default = "-created_at"

    def base_queryset(self):
        return notes_with_counts(FeedbackNote.objects.select_related("product")).defer("embedding")

    def create_service(self, *, data, access, actor):
        data = dict(data)
        state = data.pop("state", NoteState.NEW)
        note = note_create(instance=FeedbackNote(**data), actor=actor)
        return note_set_state(note=note, state=state, actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return note_update(note=obj, data=dict(data), actor=actor)

    def delete_service(self, *, obj, access, actor):
        note_delete(note=obj)

    @extend_schema(
        request=NoteStateSerializer,
        responses={200: FeedbackNoteSerializer},
        description="Mark the note processed or archived (who and when are recorded), or new again.",
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def state(self, request, pk=None):
        data = validated(NoteStateSerializer, request.data)
        with transaction.atomic():
            note = self.get_object()
            self.access_to(note.product.workspace_id).require(EDIT)
            note = note_set_state(note=note, state=data["state"], actor=request.user)
        return self.respond(note)

    @extend_schema(
        responses={200: SuggestionsSerializer},
        description="The 3 backlog items and 3 ideas most similar to the note (likely duplicates flagged); "
        "`available` is false, with the reason, where the embedding model is not installed.",
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        return Response(SuggestionsSerializer(note_suggestions(note=self.get_object())).data)

    @extend_schema(
        request=NotesImportSerializer,
        responses={201: ImportResultSerializer},
        description="Import notes from CSV (columns: text, title, source, customer, email, received_on, tags, "
        "link). All rows or none: a 400 lists one message per bad line." + rules_text(["Line 1: …"]),
    )
    @action(detail=False, methods=["post"], url_path="import")
    @retry_on_conflict
    def import_csv(self, request):
        data = validated(NotesImportSerializer, request.data, context=self.get_serializer_context())
        with transaction.atomic():
            self.access_to(data["product"].workspace_id).require(EDIT)
            notes = notes_import(product=data["product"], text=data["csv"], actor=request.user)
        return _import_result(notes)

    @extend_schema(
        request=MboxSerializer,
        responses={201: ImportResultSerializer},
        description="Read a mailbox (mbox) or one RFC 822 message into notes (source: email), matching each "
        "sender to a customer by address or email domain. Messages already read (same Message-ID) are skipped.",
    )
    @action(detail=False, methods=["post"])
    @retry_on_conflict
    def mbox(self, request):
        data = validated(MboxSerializer, request.data, context=self.get_serializer_context())
        with transaction.atomic():
            self.access_to(data["product"].workspace_id).require(EDIT)
            notes = mailbox_import(product=data["product"], text=data["mbox"], actor=request.user)
        return _import_result(notes)


@resource_docs(
    "insights (passages of notes linked to items, initiatives or ideas)",
    "Filter with ?note=, ?product=, ?item=, ?initiative=, ?idea=, ?importance=, ?workspace=.",
    rules=["Link the passage to exactly one backlog item, initiative or idea.", PASSAGE_NOT_QUOTED],
)
class InsightViewSet(ResourceViewSet):
    model = Insight
    serializer_class = InsightSerializer
    capability = EDIT
    workspace_path = "note__product__workspace"
    parent_field = "note"
    select_related = ("note__product",)
    filterset_class = make_filterset(
        Insight,
        ["note", "item", "initiative", "idea", "importance"],
        "note__product__workspace",
        product=django_filters.ModelChoiceFilter(field_name="note__product", queryset=Product.objects.all()),
    )
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-id"]

    def parent_workspace_id(self, data):
        return data["note"].product.workspace_id

    def create_service(self, *, data, access, actor):
        return insight_create(instance=Insight(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return insight_update(insight=obj, data=dict(data), actor=actor)

    def delete_service(self, *, obj, access, actor):
        insight_delete(insight=obj)


@resource_docs("ideas", "Filter with ?product=, ?workspace=, ?status=, ?search= (title).")
class IdeaViewSet(ResourceViewSet):
    model = Idea
    serializer_class = IdeaSerializer
    capability = EDIT
    select_related = ("product",)
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_class = make_filterset(Idea, ["product", "status", "proposer"], "product__workspace")
    search_fields = ["title"]
    pagination_class = KeysetPagination
    keyset_orderings = ("-vote_count", "vote_count", "-created_at", "created_at")
    keyset_default = "-created_at"

    def base_queryset(self):
        return ideas_with_counts(Idea.objects.select_related("product")).defer("embedding")

    def create_service(self, *, data, access, actor):
        return idea_create(instance=Idea(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return idea_update(idea=obj, data=dict(data), actor=actor)

    def delete_service(self, *, obj, access, actor):
        idea_delete(idea=obj)

    @extend_schema(
        request=PromoteSerializer,
        responses={201: OpenApiResponse(description="The new backlog item or initiative: `{to, id}`.")},
        description="Promote the idea to a backlog item (edit_items) or an initiative (edit_strategy); its "
        "insights and votes become evidence of the new object.",
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def promote(self, request, pk=None):
        data = validated(PromoteSerializer, request.data)
        with transaction.atomic():
            idea = self.get_object()
            access = self.access_to(idea.product.workspace_id)
            access.require(EDIT if data["to"] == "item" else Capability.EDIT_STRATEGY)
            target = idea_promote(idea=idea, to=data["to"], actor=request.user)
        return Response({"to": data["to"], "id": target.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VoteSerializer,
        responses={200: IdeaSerializer},
        description="Vote for the idea as yourself, optionally on behalf of a customer (once per person).",
    )
    @action(detail=True, methods=["post"])
    @retry_on_conflict
    def vote(self, request, pk=None):
        data = validated(VoteSerializer, request.data, context=self.get_serializer_context())
        with transaction.atomic():
            idea = self.get_object()
            self.access_to(idea.product.workspace_id).require(EDIT)
            identity = f"user:{request.user.pk}"
            if data.get("customer") is not None:
                identity = f"customer:{data['customer'].pk}"
            idea_vote(idea=idea, identity=identity, customer=data.get("customer"))
        return self.respond(idea)
