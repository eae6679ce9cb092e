"""The choices of OKR fields, kept apart from the models so that the pure rules (okrs.progress) can name them."""

from django.db import models


class Direction(models.TextChoices):
    """Which way a KPI should move."""

    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class KeyResultDirection(models.TextChoices):
    """A key result moves up, moves down, or must stay within a range (start = lower bound, target = upper)."""

    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    RANGE = "range", "Stay within a range"


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
