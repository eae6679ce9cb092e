"""deploy/k8s: every manifest is valid against the Kubernetes schemas (offline, kubernetes-validate's
bundled schemas), and the deployment keeps its promises: probes on /healthz, autoscaled web and
workers, one worker Deployment per Celery queue, beat a singleton, migrations as a Job."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

K8S = Path(__file__).resolve().parent.parent.parent / "deploy" / "k8s"
VERSION = "1.30.0"


def _documents() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def _by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in _documents() if doc["kind"] == kind}


@pytest.mark.parametrize(("name", "doc"), _documents(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_each_manifest_is_valid_against_the_kubernetes_schema(name, doc):
    kubernetes_validate.validate(doc, VERSION, strict=True)


def test_web_is_probed_on_healthz_and_autoscaled():
    web = _by_kind("Deployment")["pmhub-web"]["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert web[probe]["httpGet"]["path"].startswith("/healthz")
    hpas = {doc["spec"]["scaleTargetRef"]["name"] for doc in _by_kind("HorizontalPodAutoscaler").values()}
    assert {"pmhub-web", "pmhub-worker-interactive", "pmhub-worker-bulk"} <= hpas
    assert "pmhub-web" in {
        s["spec"]["selector"]["app.kubernetes.io/component"] and n for n, s in _by_kind("Service").items()
    }


def test_every_celery_queue_has_its_own_workers_and_beat_is_a_singleton():
    deployments = _by_kind("Deployment")
    consumed = set()
    for doc in deployments.values():
        command = doc["spec"]["template"]["spec"]["containers"][0]["command"]
        if "worker" in command:
            consumed.add(command[command.index("-Q") + 1])
    assert consumed == {settings.QUEUE_INTERACTIVE, settings.QUEUE_BULK}
    beat = deployments["pmhub-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    assert "pmhub-beat" not in {
        doc["spec"]["scaleTargetRef"]["name"] for doc in _by_kind("HorizontalPodAutoscaler").values()
    }
    job = _by_kind("Job")["pmhub-migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert "migrate" in " ".join(job["command"])
