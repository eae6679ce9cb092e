"""Set-based seeding of products of any size for the page and load benchmarks (seconds for 100,000 items).

Each product gets themes, initiatives (one per 500 items, at least 5), releases, sprints (one active,
one planned), items of every kind (2 % epics, 14 % features as parents of the stories), statuses,
MoSCoW labels, RICE and WSJF inputs (scores stored by the real re-score service), criteria on 10 %.
"""

import time
from datetime import date, timedelta


def _sql(statement: str, params: list) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def seed_product(*, workspace, user, key: str, items: int):
    from backlog.models import Sprint
    from jobs.services import job_create
    from prioritization.services import JOB_KIND, product_reprioritise
    from products.models import Product
    from roadmap.models import Initiative, Release, Theme

    product = Product.objects.create(workspace=workspace, name=f"Bench {key}", key=key)
    themes = Theme.objects.bulk_create([Theme(product=product, name=f"Theme {n}", order=n) for n in range(5)])
    today = date.today()
    releases = Release.objects.bulk_create(
        [Release(product=product, name=f"R{n}", target_date=today + timedelta(days=30 * n)) for n in range(1, 7)]
    )
    initiative_count = max(5, items // 500)
    Initiative.objects.bulk_create(
        [
            Initiative(
                product=product,
                theme=themes[n % 5],
                title=f"Initiative {n}",
                horizon=("now", "next", "later")[n % 3],
                start_date=today + timedelta(days=7 * (n % 40)),
                end_date=today + timedelta(days=7 * (n % 40) + 60),
                release=releases[n % 6],
                rank=(n + 1) * 1024,
            )
            for n in range(initiative_count)
        ]
    )
    Sprint.objects.bulk_create(
        [
            Sprint(
                product=product,
                name="Sprint 1",
                start_date=today - timedelta(days=3),
                end_date=today + timedelta(days=11),
                capacity_points=40,
                status="active",
            ),
            Sprint(
                product=product,
                name="Sprint 2",
                start_date=today + timedelta(days=12),
                end_date=today + timedelta(days=26),
                capacity_points=40,
            ),
        ]
    )
    # The item statements below run without row triggers (session_replication_role = replica: no
    # per-row history event, no per-row foreign-key check of it, which made a 100,000-item seed take
    # most of an hour on a loaded machine); every item's history "insert" event is then written in one
    # set-based statement, so the history tables hold what the triggers would have written.
    _sql("SET session_replication_role = replica", [])
    _sql("SELECT setseed(0.42)", [])
    _sql(
        """
        INSERT INTO backlog_backlogitem (
            created_at, updated_at, version, number, kind, title, description, status, rank, moscow,
            as_a, i_want, so_that, rejection_reason, product_id, story_points, reach, impact, confidence, effort,
            business_value, time_criticality, risk_reduction, job_size, has_criteria, custom_fields)
        SELECT now(), now(), 1, n,
            CASE WHEN n %% 50 = 1 THEN 'epic' WHEN n %% 7 = 2 THEN 'feature'
                WHEN n %% 5 = 3 THEN 'bug' ELSE 'story' END,
            'Item ' || n || ': make checkout faster for returning shoppers', 'As described in the discovery notes.',
            (ARRAY['new', 'new', 'ready', 'ready', 'in_progress', 'done', 'accepted', 'rejected'])
                [1 + floor(random() * 8)::int],
            n * 1024,
            (ARRAY['', '', 'must', 'should', 'could', 'wont'])[1 + floor(random() * 6)::int],
            'shopper', 'to pay in one click', 'I finish faster', '', %s,
            (ARRAY[1, 2, 3, 5, 8, NULL])[1 + floor(random() * 6)::int],
            CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 50000)::int END,
            (ARRAY[3, 2, 1, 0.5, 0.25])[1 + floor(random() * 5)::int],
            (ARRAY[100, 80, 50, 20])[1 + floor(random() * 4)::int],
            CASE WHEN random() < 0.02 THEN NULL ELSE round((0.25 + random() * 24)::numeric, 2) END,
            (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int],
            (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int],
            (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int],
            CASE WHEN random() < 0.03 THEN NULL ELSE (ARRAY[1, 2, 3, 5, 8, 13, 20])[1 + floor(random() * 7)::int] END,
            n %% 10 = 0, '{}'::jsonb
        FROM generate_series(1, %s) AS n
        """,
        [product.pk, items],
    )
    # Relations: initiatives (70 %), releases (30 %), parents (stories and bugs under a feature or epic),
    # the active sprint (30 items), the planned sprint (20 items).
    _sql(
        """
        WITH ini AS (SELECT array_agg(id ORDER BY id) AS ids FROM roadmap_initiative WHERE product_id = %s),
             rel AS (SELECT array_agg(id ORDER BY id) AS ids FROM roadmap_release WHERE product_id = %s)
        UPDATE backlog_backlogitem i SET
            initiative_id = CASE WHEN i.number %% 10 < 7 THEN ini.ids[1 + i.number %% array_length(ini.ids, 1)] END,
            release_id = CASE WHEN i.number %% 10 < 3 THEN rel.ids[1 + i.number %% array_length(rel.ids, 1)] END
        FROM ini, rel WHERE i.product_id = %s
        """,
        [product.pk, product.pk, product.pk],
    )
    _sql(
        """
        WITH parents AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM backlog_backlogitem
            WHERE product_id = %s AND kind IN ('epic', 'feature'))
        UPDATE backlog_backlogitem i SET parent_id = parents.ids[1 + i.number %% array_length(parents.ids, 1)]
        FROM parents WHERE i.product_id = %s AND i.kind IN ('story', 'bug') AND i.number %% 3 <> 0
        """,
        [product.pk, product.pk],
    )
    sprints = list(Sprint.objects.filter(product=product).order_by("name").values_list("id", flat=True))
    for sprint_id, low, high in ((sprints[0], 3, 33), (sprints[1], 40, 60)):
        _sql(
            "UPDATE backlog_backlogitem SET sprint_id = %s WHERE product_id = %s AND number > %s AND number <= %s "
            "AND kind IN ('story', 'bug')",
            [sprint_id, product.pk, low, high],
        )
    _sql(
        """
        INSERT INTO backlog_acceptancecriterion (created_at, updated_at, version, item_id, "order", text, met)
        SELECT now(), now(), 1, i.id, k, 'Given a shopper, then ' || k, k = 1
        FROM backlog_backlogitem i, generate_series(1, 2) AS k WHERE i.product_id = %s AND i.has_criteria
        """,
        [product.pk],
    )
    _sql(
        "UPDATE backlog_backlogitem SET done_at = now() - (number %% 20) * interval '1 day' "
        "WHERE product_id = %s AND status IN ('done', 'accepted')",
        [product.pk],
    )
    _sql("SET session_replication_role = DEFAULT", [])
    _history_events(product.pk)
    job = job_create(workspace=workspace, product=product, kind=JOB_KIND, actor=user)
    product_reprioritise(product_id=product.pk, job_id=job.pk)
    return product


def _history_events(product_id: int) -> None:
    """One history "insert" event per seeded item, as the item's insert trigger writes it."""
    from django.db import connection

    from collaboration.history import BacklogItemEvent

    table = BacklogItemEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name NOT LIKE 'pgh%%'",
            [table],
        )
        columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
    _sql(
        f"INSERT INTO {table} (pgh_created_at, pgh_label, pgh_obj_id, {columns}) "
        f"SELECT now(), 'insert', id, {columns} FROM backlog_backlogitem WHERE product_id = %s",
        [product_id],
    )


def seed_sizes(sizes: dict[str, int]):
    """A workspace, its admin "bench" and one product per size; returns (user, workspace, {key: product})."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from workspaces.models import Membership, Role, Workspace

    user = get_user_model().objects.create_user("bench", password="bench-password-0123")
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
    products = {}
    for key, count in sizes.items():
        started = time.perf_counter()
        products[key] = seed_product(workspace=workspace, user=user, key=key, items=count)
        print(f"  seeded {count:>7,} items ({key}) in {time.perf_counter() - started:5.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return user, workspace, products


def seeded_sizes(sizes: dict[str, int]):
    """What `seed_sizes` left in a kept database, or None when it is not all there (BENCH_KEEP_DB)."""
    from django.contrib.auth import get_user_model

    from backlog.models import BacklogItem
    from products.models import Product
    from workspaces.models import Workspace

    user = get_user_model().objects.filter(username="bench").first()
    workspace = Workspace.objects.filter(slug="bench").first()
    if user is None or workspace is None:
        return None
    products = {key: Product.objects.filter(workspace=workspace, key=key).first() for key in sizes}
    for key, count in sizes.items():
        if products[key] is None or BacklogItem.objects.filter(product=products[key]).count() != count:
            return None
    print("  reusing the kept database", flush=True)
    return user, workspace, products
