"""Loading a workspace export (selectors/backup.py) into an empty workspace, here or on another instance.

A restore, not an edit: rows are loaded as they were (ids renumbered, every link followed through
the new ids; ranks, numbers, scores, times and versions kept), with one statement per batch of rows,
in one transaction — all of it or nothing. People are matched by user name; one who has no account
here gets an inactive one without a password (an admin invites them to sign in).

History comes back as it was exported: the load itself records none (its triggers are paused), the
events point at the new rows, and their contexts name the people by their new ids. The events of an
object deleted before the export keep together under a fresh id from that model's sequence, which
no live row will ever take.
"""

import json
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from pghistory.models import Context

from collaboration.context import history_paused
from core.exceptions import ApplicationError
from core.services import instance_create, instance_update
from workspaces.models import Membership, Role, Workspace

from ..backup import CONTEXT, EVENT_OF, FORMAT, GENERIC_TARGETS, USER_FIELDS, VERSION, exported_models, m2m_fields

BATCH = 2000


class Loader:
    def __init__(self, *, into: Workspace | None, name: str | None):
        self.into, self.name = into, name
        self.user_model = get_user_model()
        self.ids: dict[str, dict[int, int]] = {}
        self.loaded: set[str] = set()
        self.deferred: list[tuple[str, int, str, str, int]] = []  # (label, new id, attname, target label, old target)
        self.counts: dict[str, int] = {}
        self.pending: list[dict] = []
        self.pending_label = ""
        self.workspace: Workspace | None = into

    # ---- users -------------------------------------------------------------------------------
    def users(self, rows: list[dict]) -> None:
        names = [r["fields"]["username"] for r in rows]
        known = dict(self.user_model.objects.filter(username__in=names).values_list("username", "pk"))
        new = []
        for row in rows:
            if row["fields"]["username"] not in known:
                user = self.user_model(**{k: row["fields"].get(k, "") for k in USER_FIELDS if k != "is_active"})
                user.is_active = False
                user.set_unusable_password()
                new.append(user)
        for user in self.user_model.objects.bulk_create(new):
            known[user.username] = user.pk
        mapping = self.ids.setdefault("auth.user", {})
        for row in rows:
            mapping[row["id"]] = known[row["fields"]["username"]]

    def contexts(self, rows: list[dict]) -> None:
        """History contexts under new ids (a restore on the same instance must not meet the old ones)."""
        users = self.ids.get("auth.user", {})
        mapping = self.ids.setdefault(CONTEXT, {})
        objects = []
        for row in rows:
            metadata = row["fields"].get("metadata") or {}
            metadata = {k: v for k, v in metadata.items() if k not in ("workspace_id", "product_id")}
            if "user" in metadata:
                metadata["user"] = users.get(metadata["user"])
            context = Context(id=uuid.uuid4(), metadata=metadata)
            mapping[row["id"]] = context.pk
            objects.append(context)
        Context.objects.bulk_create(objects, batch_size=BATCH)
        self._keep_times(Context, rows, objects, {f.attname: f for f in Context._meta.concrete_fields})
        self.counts[CONTEXT] = self.counts.get(CONTEXT, 0) + len(rows)

    # ---- rows --------------------------------------------------------------------------------
    def _gone(self, target_label: str, old: int) -> int:
        """A fresh id for an object the file's history names but which was deleted before the export."""
        model = apps.get_model(target_label)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s))", [model._meta.db_table, model._meta.pk.column]
            )
            new = cursor.fetchone()[0]
        self.ids.setdefault(target_label, {})[old] = new
        return new

    def _generic(self, label: str, values: dict, raw: dict) -> bool:
        """Point a row that names its target by type and id at the target's new id; False if it is not in the file."""
        type_field, id_field, types = GENERIC_TARGETS[label]
        target_label = raw.get(type_field) if types is None else types.get(raw.get(type_field))
        if types is None:
            app_label, _, model_name = str(raw.get(type_field) or "").partition(".")
            try:
                values[type_field] = ContentType.objects.get_by_natural_key(app_label, model_name).pk
            except ContentType.DoesNotExist:
                return False
        if target_label is None:
            return True  # a target PMHub does not name by id ("other"): kept as it is
        new = self.ids.get(target_label, {}).get(raw.get(id_field))
        values[id_field] = new
        return new is not None

    def _target(self, field, label: str, old, own_label: str, index: int):
        """The new id for a foreign key's old value; None (and deferred) when its row comes later."""
        if old is None:
            return None
        target = field.related_model
        target_label = "auth.user" if target is self.user_model else target._meta.label_lower
        new = self.ids.get(target_label, {}).get(old)
        if new is not None:
            return new
        if own_label in EVENT_OF and not field.null and target_label in self.loaded:
            return self._gone(target_label, old)
        if field.null and (target_label == own_label or target_label not in self.loaded):
            self.deferred.append((own_label, index, field.attname, target_label, old))
            return None
        if field.null:
            return None  # a row the export left out (a job, say): the link is dropped, as deleting it would
        raise ApplicationError(f"A {label} row points to {target_label} #{old}, which the file does not hold.")

    def rows(self, label: str, rows: list[dict]) -> None:
        model = apps.get_model(label)
        if label == "workspaces.workspace" and self.into is not None:
            self.ids.setdefault(label, {})[rows[0]["id"]] = self.into.pk
            return
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        objects, first_deferred, kept = [], len(self.deferred), []
        for row in rows:
            index, mark = len(objects), len(self.deferred)
            values = {}
            for attname, raw in row["fields"].items():
                field = fields.get(attname)
                if field is None or (label in GENERIC_TARGETS and attname in GENERIC_TARGETS[label][:2]):
                    continue  # a column this instance does not have (dropped), or a generic target (below)
                if field.is_relation:
                    values[attname] = self._target(field, label, raw, label, index)
                elif label in EVENT_OF and attname == "id" and raw is not None:
                    values[attname] = values.get("pgh_obj_id") or self.ids.get(EVENT_OF[label], {}).get(raw, raw)
                else:
                    values[attname] = field.to_python(raw) if raw is not None else None
            if label in GENERIC_TARGETS and not self._generic(label, values, row["fields"]):
                del self.deferred[mark:]
                continue  # its target was deleted before the export: nothing to attach it to
            if label == "workspaces.workspace":
                values["name"] = self.name or values.get("name") or "Restored workspace"
                values["slug"] = _free_slug(values.get("slug") or "workspace")
            objects.append(model(**values))
            kept.append(row)
        created = model._base_manager.bulk_create(objects, batch_size=BATCH)
        mapping = self.ids.setdefault(label, {})
        for row, obj in zip(kept, created, strict=True):
            mapping[row["id"]] = obj.pk
        if label == "workspaces.workspace":
            self.workspace = created[0]
        for position in range(first_deferred, len(self.deferred)):
            own, index, attname, target, old = self.deferred[position]
            self.deferred[position] = (own, created[index].pk, attname, target, old)
        self._keep_times(model, kept, created, fields)
        self.counts[label] = self.counts.get(label, 0) + len(rows)

    def _keep_times(self, model, rows, created, fields) -> None:
        """auto_now / auto_now_add fields are set by Django on insert: put the exported times back."""
        stamped = [a for a, f in fields.items() if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        if not stamped or not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        pk_type = "uuid" if model._meta.pk.get_internal_type() == "UUIDField" else "bigint"
        pk = connection.ops.quote_name(model._meta.pk.column)  # an event's own key is pgh_id ("id" is its object's)
        columns = [fields[a].column for a in stamped]
        values, params = [], []
        for row, obj in zip(rows, created, strict=True):
            values.append("(" + ", ".join([f"%s::{pk_type}"] + ["%s::timestamptz"] * len(columns)) + ")")
            params += [obj.pk, *[row["fields"].get(a) for a in stamped]]
        sets = ", ".join(f"{connection.ops.quote_name(c)} = v.c{i}" for i, c in enumerate(columns))
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join(values)}) AS v(id, {names}) "
                f"WHERE t.{pk} = v.id",
                params,
            )

    def finish_deferred(self) -> None:
        by_column: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for label, new_id, attname, target, old in self.deferred:
            new_target = self.ids.get(target, {}).get(old)
            if new_target is not None:
                by_column.setdefault((label, attname), []).append((new_id, new_target))
        for (label, attname), pairs in by_column.items():
            model = apps.get_model(label)
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(model._meta.get_field(attname.removesuffix("_id")).column)
            pk = connection.ops.quote_name(model._meta.pk.column)
            for start in range(0, len(pairs), 5000):
                chunk = pairs[start : start + 5000]
                rows = ", ".join(["(%s::bigint, %s::bigint)"] * len(chunk))
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} AS t SET {column} = v.target "
                        f"FROM (VALUES {rows}) AS v(id, target) WHERE t.{pk} = v.id",
                        [x for pair in chunk for x in pair],
                    )

    def links(self, name: str, pairs: list[list[int]]) -> None:
        label, field_name = name.rsplit(".", 1)
        model = apps.get_model(label)
        field = model._meta.get_field(field_name)
        if field not in m2m_fields(model):
            return
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        own = self.ids.get(label, {})
        other = self.ids.get(field.related_model._meta.label_lower, {})
        rows = [
            through(**{f"{source}_id": own[a], f"{target}_id": other[b]}) for a, b in pairs if a in own and b in other
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[name] = self.counts.get(name, 0) + len(pairs)

    # ---- the stream --------------------------------------------------------------------------
    def flush(self) -> None:
        if self.pending:
            if self.pending_label == "auth.user":
                self.users(self.pending)
            elif self.pending_label == CONTEXT:
                self.contexts(self.pending)
            else:
                self.rows(self.pending_label, self.pending)
            self.loaded.add(self.pending_label)
        self.pending, self.pending_label = [], ""


def _free_slug(slug: str) -> str:
    base, candidate, n = slug[:45], slug, 1
    while Workspace.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _header(line: str) -> dict:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ApplicationError("This is not a PMHub workspace export (its first line names no such format).")
    if header.get("version") != VERSION:
        raise ApplicationError(f"This export has version {header.get('version')}; this PMHub reads version {VERSION}.")
    known = {"auth.user", CONTEXT, *(m._meta.label_lower for m in exported_models())}
    unknown = [label for label in header.get("models", []) if label not in known]
    if unknown:
        raise ApplicationError(
            f"The export holds kinds of data this PMHub does not know: {', '.join(unknown)}. Upgrade first."
        )
    return header


@transaction.atomic
def workspace_import(
    *, lines: Iterable[str], into: Workspace | None = None, name: str | None = None, admin=None
) -> tuple[Workspace, dict]:
    """Load an export into a new workspace (or `into`, which must be empty); returns it and the counts.

    `admin` (the person restoring it from the page) becomes an admin of the workspace if the export
    did not already make them a member: whoever restores a backup must be able to open it.
    """
    if into is not None and (into.products.exists() or into.objectives.exists()):
        raise ApplicationError("The workspace to import into must be empty (no products, no objectives).")
    with history_paused():
        loader = _load(lines, into=into, name=name)
    if admin is not None:
        membership = Membership.objects.filter(workspace=loader.workspace, user=admin).first()
        if membership is None:
            instance_create(instance=Membership(workspace=loader.workspace, user=admin, role=Role.ADMIN), actor=admin)
        elif membership.role != Role.ADMIN:
            instance_update(instance=membership, data={"role": Role.ADMIN})
    return loader.workspace, loader.counts


def _load(lines: Iterable[str], *, into: Workspace | None, name: str | None) -> Loader:
    iterator = iter(lines)
    header = _header(next(iterator, ""))
    loader = Loader(into=into, name=name)
    end = None
    for number, line in enumerate(iterator, 2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise ApplicationError(f"Line {number} of the export is not JSON; the file is damaged.") from None
        if "end" in record:
            end = record
            break
        if "m2m" in record:
            loader.flush()
            loader.links(record["m2m"], record["links"])
            continue
        label = record.get("model")
        if label not in header["models"]:
            raise ApplicationError(f"Line {number} holds a {label!r}, which the header does not list.")
        if label != loader.pending_label or len(loader.pending) >= BATCH:
            loader.flush()
            loader.pending_label = label
        loader.pending.append(record)
    loader.flush()
    if end is None:
        raise ApplicationError("The export ends early (no closing line): it was cut off. Nothing was imported.")
    loader.finish_deferred()
    if loader.workspace is None:
        raise ApplicationError("The export holds no workspace.")
    expected = {k: v for k, v in (end.get("counts") or {}).items() if v}
    got = {k: v for k, v in loader.counts.items() if v}
    got.pop("auth.user", None)
    expected.pop("auth.user", None)
    if into is not None:
        expected.pop("workspaces.workspace", None)
    if got != expected:
        raise ApplicationError(
            f"The export's counts do not match what was read ({expected} vs {got}); nothing was imported."
        )
    return loader
