from celery.signals import before_task_publish
from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"

    def ready(self) -> None:
        from .services import job_task_record_on_publish

        before_task_publish.connect(job_task_record_on_publish, weak=False, dispatch_uid="jobs.record_task")
