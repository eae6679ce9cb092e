"""KPI measurements from a CSV file: all rows or none, with a message per bad line."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from okrs.models import Measurement
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]


def _url(product):
    return reverse("okrs:kpi_measurement_import", kwargs={"product_id": product.pk})


def _file(text: str, name="measurements.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_good_file_adds_every_row_and_moves_the_key_results(world, django_capture_on_commit_callbacks):
    nps = f.KPIFactory(product=world.product, name="NPS")
    churn = f.KPIFactory(product=world.product, name="Churn", direction="decrease")
    key_result = f.KeyResultFactory(
        objective=f.ObjectiveFactory(workspace=world.workspace), kpi=nps, start_value=D("20"), target_value=D("40")
    )
    text = "kpi,measured_at,value,note\nNPS,2027-01-05,25,survey\nnps,2027-02-05T10:00,30,\nChurn,2027-01-31,3.9,\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("product_manager").post(_url(world.product), {"file": _file(text)})
    assert response.status_code == 302
    assert list(nps.measurements.order_by("measured_at").values_list("value", "note")) == [
        (D("25"), "survey"),
        (D("30"), ""),
    ]
    assert churn.measurements.get().value == D("3.9")
    key_result.refresh_from_db()
    assert (key_result.current_value, key_result.rollup_progress) == (D("30"), D("0.5"))


def test_one_bad_line_refuses_the_whole_file_and_names_every_bad_line(world):
    f.KPIFactory(product=world.product, name="NPS")
    f.KPIFactory(product=world.other_product, name="Their KPI")
    text = (
        "kpi,measured_at,value\n"
        "NPS,2027-01-05,25\n"
        "Revenue,2027-01-06,10\n"
        "NPS,31/01/2027,abc\n"
        "Their KPI,2027-01-07,1\n"
        "NPS,2027-01-08,12345678901234567\n"
    )
    response = world.client("admin").post(_url(world.product), {"file": _file(text)})
    page = response.content.decode()
    assert response.status_code == 200
    assert Measurement.objects.count() == 0
    assert "Line 3: no KPI named “Revenue” in Payments." in page
    assert "Line 4: “31/01/2027” is not a date" in page and "value “abc”" in page
    assert "Line 5: no KPI named “Their KPI”" in page  # another workspace's KPI is unknown here
    assert "Line 6: value" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,when,value\nNPS,2027-01-05,1\n", "The header lacks kpi, measured_at."),
        (b"kpi,measured_at,value\n", "The file has no rows under its header."),
        ("kpi,measured_at,value\nNPS,2027-01-05,1\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_files_of_the_wrong_shape_are_explained(world, content, message):
    f.KPIFactory(product=world.product, name="NPS")
    upload = SimpleUploadedFile("m.csv", content, content_type="text/csv")
    response = world.client("admin").post(_url(world.product), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_only_strategy_roles_import(world, role):
    f.KPIFactory(product=world.product, name="NPS")
    client = world.client(role)
    form = client.get(_url(world.product))
    response = client.post(_url(world.product), {"file": _file("kpi,measured_at,value\nNPS,2027-01-05,1\n")})
    if role in ("admin", "product_manager"):
        assert (form.status_code, response.status_code, Measurement.objects.count()) == (200, 302, 1)
    else:
        assert (form.status_code, response.status_code, Measurement.objects.count()) == (403, 403, 0)


def test_another_workspace_cannot_import_into_our_product(world):
    f.KPIFactory(product=world.product, name="NPS")
    response = world.client("outsider").post(
        _url(world.product), {"file": _file("kpi,measured_at,value\nNPS,2027-01-05,1\n")}
    )
    assert response.status_code == 404
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize(
    "cell",
    ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2027-01-05T10:00+99:00", "1850-01-01", "2101-01-01"],
)
def test_a_moment_that_cannot_be_stored_is_a_message_for_its_line(world, cell):
    f.KPIFactory(product=world.product, name="NPS")
    text = f"kpi,measured_at,value,note\nNPS,2027-01-05,25,\nNPS,{cell},30,\n"

    response = world.client("product_manager").post(_url(world.product), {"file": _file(text)})

    assert response.status_code == 200
    assert "line 3" in response.content.decode().lower()
    assert not Measurement.objects.exists()


def test_a_file_with_nul_characters_is_refused_with_a_message(world):
    f.KPIFactory(product=world.product, name="NPS")

    response = world.client("product_manager").post(
        _url(world.product), {"file": _file("kpi,measured_at,value,note\nNPS,2027-01-05,2\x005,\n")}
    )

    assert response.status_code == 200
    assert "NUL characters" in response.content.decode()
    assert not Measurement.objects.exists()
