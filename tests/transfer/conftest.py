from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from transfer.models import ImportBatch
from transfer.services.batches import import_batch_create, import_mapping_set, import_start

FIXTURES = Path(__file__).parent / "fixtures"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (FIXTURES / name).read_bytes())


@pytest.fixture
def importer(world, django_capture_on_commit_callbacks):
    """Upload, map, dry-run and run imports as the product owner, through the services and the job."""

    class Importer:
        actor = world.users["admin"]

        def upload(self, *names, product=None, content=None, **kwargs) -> ImportBatch:
            files = [upload(n, content) for n in names]
            return import_batch_create(product=product or world.product, files=files, actor=self.actor, **kwargs)

        def map(self, batch, **mapping) -> ImportBatch:
            return import_mapping_set(batch=batch, mapping=mapping, actor=self.actor)

        def start(self, batch, *, dry_run: bool):
            with django_capture_on_commit_callbacks(execute=True):
                job = import_start(batch=batch, actor=self.actor, dry_run=dry_run)
            job.refresh_from_db()
            batch.refresh_from_db()
            return job

        def dry_run(self, batch):
            self.start(batch, dry_run=True)
            return batch.dry_run_report

        def run(self, batch):
            self.dry_run(batch)
            assert batch.dry_run_report["error_count"] == 0, batch.dry_run_report["errors"]
            job = self.start(batch, dry_run=False)
            return job, batch.report

    return Importer()
