"""OpenAPI descriptions for the prioritisation endpoints (issue 4), which are plain APIViews.

drf-spectacular cannot guess their bodies, and the schema must validate without warnings. These
extensions describe them from the outside, without touching prioritization/apis.py; replacing
them by serializers (or @extend_schema) in that app is the better long-term home.
"""

from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

OBJECT = OpenApiTypes.OBJECT


def _wrap(function):
    def method(self, *args, **kwargs):
        return function(self, *args, **kwargs)

    method.__name__ = function.__name__
    return method


def describe(view_name: str, **operations: dict) -> type:
    """Register an extension that annotates `prioritization.apis.<view_name>`'s methods."""

    class Extension(OpenApiViewExtension):
        target_class = f"prioritization.apis.{view_name}"

        def view_replacement(self):
            replacement = type(view_name, (self.target_class,), {})
            for method, kwargs in operations.items():
                kwargs = {"request": None, **kwargs}
                setattr(replacement, method, extend_schema(**kwargs)(_wrap(getattr(self.target_class, method))))
            return replacement

    Extension.__name__ = f"{view_name}Schema"
    return Extension


def register() -> None:
    from prioritization import apis

    job = {202: OBJECT}
    describe(
        "PrioritizeApi",
        post={"description": "Start a full re-score of the product; poll the returned job.", "responses": job},
    )
    describe(
        "RankingApi",
        get={
            "description": "Scored items best first, with each score's breakdown and its gap to the manual order.",
            "parameters": [apis.RankingQuery],
            "responses": {200: OBJECT},
        },
    )
    describe(
        "UnscoredApi",
        get={
            "description": "Items a framework cannot score, with what is missing.",
            "parameters": [apis.RankingQuery],
            "responses": {200: OBJECT},
        },
    )
    describe(
        "MatrixApi", get={"description": "The value-versus-effort matrix of the product.", "responses": {200: OBJECT}}
    )
    describe(
        "MoscowProposalApi",
        get={
            "description": "MoSCoW candidates, the capacity check and a proposed split.",
            "parameters": [apis.MoscowQuery],
            "responses": {200: OBJECT},
        },
        post={
            "description": "Apply MoSCoW categories to items (product owner).",
            "request": apis.MoscowProposalApi.Input,
            "responses": {200: OBJECT},
        },
    )
    describe(
        "SettingsApi",
        get={"description": "The product's prioritisation settings.", "responses": {200: apis.SettingsApi.Input}},
        patch={
            "description": "Change the product's prioritisation settings; a change starts a re-score job.",
            "request": apis.SettingsApi.Input,
            "responses": {200: OBJECT},
        },
    )
    describe(
        "ScenarioListApi",
        get={
            "description": "The product's what-if scenarios.",
            "responses": {200: OBJECT},
            "operation_id": "products_scenarios_list",
        },
        post={"description": "Create a scenario.", "request": apis.ScenarioInput, "responses": {201: OBJECT}},
    )
    describe(
        "ScenarioDetailApi",
        get={"description": "One scenario with the moves it would cause.", "responses": {200: OBJECT}},
        patch={"description": "Change a scenario.", "request": apis.ScenarioInput, "responses": {200: OBJECT}},
    )
    inherited = {  # the apply and discard views inherit the detail view's GET and PATCH
        "get": {"description": "The scenario (as on its detail endpoint).", "responses": {200: OBJECT}},
        "patch": {"description": "Change the scenario.", "request": apis.ScenarioInput, "responses": {200: OBJECT}},
    }
    describe("ScenarioApplyApi", post={"description": "Apply a scenario (as a job).", "responses": job}, **inherited)
    describe("ScenarioDiscardApi", post={"description": "Discard a scenario.", "responses": {200: OBJECT}}, **inherited)
    describe("SnapshotListApi", get={"description": "Past runs, newest first.", "responses": {200: OBJECT}})
