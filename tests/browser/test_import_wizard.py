"""The import wizard in a browser, by keyboard: upload a Jira CSV, read the preview and the mapping, change a
status's mapping, see the dry run name the row to fix by its key, import the fixed file, follow the report."""

from django.urls import reverse

from backlog.models import BacklogItem

HEADER = "Summary,Issue key,Issue id,Issue Type,Status,Status Category,Custom field (Story Points)\n"
ROWS = [
    "Pay by card,PAY-1,10001,Story,To Do,To Do,3",
    "Refund a payment,PAY-2,10002,Bug,Waiting for QA,In Progress,2",
    "{third},PAY-3,10003,Story,To Do,To Do,1",
]


def _csv(path, third: str):
    path.write_text(HEADER + "\n".join(ROWS).replace("{third}", third) + "\n", encoding="utf-8")
    return str(path)


def _press(page, role: str, name: str) -> None:
    """Reach a control by keyboard focus and press Enter (a control a mouse-less person can use)."""
    control = page.get_by_role(role, name=name)
    control.focus()
    assert control.evaluate("el => el === document.activeElement"), f"{name} takes no focus"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _upload(page, product, path) -> None:
    page.goto(reverse("transfer:import_list", kwargs={"product_id": product.pk}))
    page.locator("input[type=file]").set_input_files(path)
    _press(page, "button", "Upload and preview")


def _map_waiting_to_ready(page) -> None:
    mapping = page.locator("section", has=page.get_by_role("heading", name="3. Mapping"))
    status = mapping.get_by_label("Waiting for QA")
    status.focus()
    assert status.evaluate("el => el === document.activeElement")
    status.select_option("ready")
    _press(page, "button", "Save the mapping")
    assert (
        page.locator("section", has=page.get_by_role("heading", name="3. Mapping"))
        .get_by_label("Waiting for QA")
        .input_value()
        == "ready"
    )


def test_import_a_jira_csv_through_the_wizard(world, signed_in, tmp_path):
    product = world.product
    page = signed_in(world.users["admin"])

    _upload(page, product, _csv(tmp_path / "broken.csv", third=""))

    preview = page.locator("section", has=page.get_by_role("heading", name="2. Preview")).inner_text()
    assert "3 rows found" in preview and "Story: 2" in preview and "Bug: 1" in preview
    mapping = page.locator("section", has=page.get_by_role("heading", name="3. Mapping"))
    assert mapping.get_by_role("group", name="Statuses").is_visible()
    assert mapping.get_by_label("To Do").input_value() == "new"
    _map_waiting_to_ready(page)

    _press(page, "button", "Dry run")
    dry_run = page.locator("section", has=page.get_by_role("heading", name="4. Dry run")).inner_text()
    assert "Rows to fix" in dry_run and "row 3 (PAY-3)" in dry_run and "no title" in dry_run
    assert page.get_by_role("button", name="Import now").count() == 0  # not with rows to fix
    assert not BacklogItem.objects.filter(product=product).exists()

    # Fixed file, uploaded again.
    _upload(page, product, _csv(tmp_path / "fixed.csv", third="Receipts by email"))
    _map_waiting_to_ready(page)
    _press(page, "button", "Dry run")
    assert "Rows to fix" not in page.locator("section", has=page.get_by_role("heading", name="4. Dry run")).inner_text()
    _press(page, "button", "Import now")

    page.locator(".badge", has_text="Done").wait_for()
    report = page.locator("section", has=page.get_by_role("heading", name="5. Run and report"))
    links = report.get_by_role("link")
    assert links.count() == 3
    assert sorted(BacklogItem.objects.filter(product=product).values_list("title", "status")) == [
        ("Pay by card", "new"),
        ("Receipts by email", "new"),
        ("Refund a payment", "ready"),
    ]
    refund = report.get_by_role("link", name="Refund a payment")
    refund.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Refund a payment").is_visible()
