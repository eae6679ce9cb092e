import logging

from django.apps import AppConfig
from django.conf import settings


class PmhubConfig(AppConfig):
    name = "pmhub"
    verbose_name = "PMHub"

    def ready(self) -> None:
        logging.getLogger("pmhub").info(settings.STARTUP_NOTE)
