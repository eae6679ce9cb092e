from django.db.models import Prefetch

from pmhub.crud import Column, Crud
from products.models import Capability

from . import selectors, services
from .filters import InitiativeFilter
from .forms import InitiativeForm, ReleaseForm, ThemeForm
from .models import Initiative, Release, Theme


class ThemeCrud(Crud):
    model, form_class, namespace, name, url_segment = Theme, ThemeForm, "roadmap", "theme", "themes"
    capability = Capability.EDIT_STRATEGY
    columns = [
        Column("Name", "name", link=True),
        Column("Colour", "color", css="swatch"),
        Column("Order", "order", css="num"),
        Column("Initiatives", "initiative_count", css="num"),
    ]
    detail_fields = ["name", "description", "color", "order"]
    empty_hint = "Themes group initiatives by the big problems you are solving, like “Faster checkout”."

    def get_queryset(self, access):
        return selectors.theme_list(product=access.product)


class ReleaseCrud(Crud):
    model, form_class, namespace, name, url_segment = Release, ReleaseForm, "roadmap", "release", "releases"
    columns = [
        Column("Name", "name", link=True),
        Column("Target date", "target_date"),
        Column("Status", "status"),
        Column("Initiatives", "initiative_count", css="num"),
        Column("Items", "item_count", css="num"),
    ]
    detail_fields = ["name", "goal", "target_date", "status"]
    empty_hint = "A release plan says which features ship when. Add the next release and its goal."

    def get_queryset(self, access):
        return selectors.release_list(product=access.product)


class InitiativeCrud(Crud):
    model, form_class, namespace, name, url_segment = (
        Initiative,
        InitiativeForm,
        "roadmap",
        "initiative",
        "initiatives",
    )
    filterset_class = InitiativeFilter
    columns = [
        Column("Title", "title", link=True),
        Column("Theme", "theme"),
        Column("Horizon", "horizon"),
        Column("Status", "status"),
        Column("Start", "start_date"),
        Column("End", "end_date"),
        Column("Release", "release"),
        Column("Outcome", lambda i: "linked" if i.has_outcome else "none", css="outcome"),
    ]
    detail_template = "roadmap/initiative_detail.html"
    empty_hint = "Initiatives are roadmap items. Tie each one to a key result or KPI it should move."

    def perform_create(self, *, access, instance, data, m2m, actor):
        return services.initiative_create(instance=instance, actor=actor, m2m=m2m)

    def perform_update(self, *, access, obj, data, m2m, actor):
        return services.initiative_update(initiative=obj, data=data, m2m=m2m)

    def perform_delete(self, *, access, obj, actor):
        services.initiative_delete(initiative=obj)

    def get_queryset(self, access):
        return selectors.initiative_list(product=access.product).prefetch_related(
            Prefetch("key_results", queryset=self._key_results()), "kpis", "depends_on", "blocks"
        )

    @staticmethod
    def _key_results():
        from okrs.models import KeyResult

        return KeyResult.objects.select_related("objective")

    def detail_extra(self, request, access, obj) -> dict:
        # Initiative progress is a backlog figure; read it through the backlog's selectors.
        from backlog.selectors import item_list, item_progress_for_initiatives

        progress = item_progress_for_initiatives(initiative_ids=[obj.pk]).get(obj.pk)
        items = item_list(product=access.product).filter(initiative=obj).order_by("rank")
        late_dependencies = [
            d for d in obj.depends_on.all() if d.end_date and obj.start_date and obj.start_date < d.end_date
        ]
        return {"progress": progress, "items": items, "late_dependencies": late_dependencies}


theme_crud = ThemeCrud()
release_crud = ReleaseCrud()
initiative_crud = InitiativeCrud()
