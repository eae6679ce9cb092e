from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "okrs"
