from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from backlog.models import AcceptanceCriterion, BacklogItem, Sprint
from discovery.models import Customer, FeedbackNote, Idea, Insight
from okrs.models import KPI, KeyResult, Measurement, Objective
from products.models import BusinessCase, Persona, Product, Vision
from roadmap.models import Initiative, Release, Theme
from workspaces.models import Membership, Role, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    key = factory.Sequence(lambda n: f"P{n:03d}")


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vision

    product = factory.SubFactory(ProductFactory)
    statement = "Every shop gets paid in one click."


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCase

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Business case {n}")
    problem_statement = "Checkout abandonment."
    expected_annual_benefit = Decimal("300000")
    expected_annual_cost = Decimal("100000")


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Persona {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Release {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Initiative {n}")
    rank = factory.Sequence(lambda n: (n + 1) * 1024)


class SprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sprint

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Sprint {n}")
    start_date = factory.LazyFunction(date.today)
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=13))
    capacity_points = 30


class BacklogItemFactory(factory.django.DjangoModelFactory):
    """Items made through the factory get the next number and rank like the service gives them."""

    class Meta:
        model = BacklogItem

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Item {n}")
    number = factory.Sequence(lambda n: n + 1)
    rank = factory.Sequence(lambda n: (n + 1) * 1024)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptanceCriterion

    item = factory.SubFactory(BacklogItemFactory)
    text = "Given a shopper, when they pay, then they see a receipt."
    order = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from backlog.services.criteria import criteria_flag_refresh

        criterion = super()._create(model_class, *args, **kwargs)
        criteria_flag_refresh(item_id=criterion.item_id)  # as the services do
        return criterion


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    period = "2027-Q1"


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"KPI {n}")


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Key result {n}")
    start_value = Decimal("0")
    target_value = Decimal("100")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    value = Decimal("42")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Customer {n}")
    segment = "enterprise"


class FeedbackNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackNote

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Note {n}")
    text = "Exporting invoices to CSV takes forever and the totals are wrong."
    source = "support"


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    problem = "Finance teams reconcile by hand."


class InsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insight

    note = factory.SubFactory(FeedbackNoteFactory)
    passage = "takes forever"
    importance = "important"
