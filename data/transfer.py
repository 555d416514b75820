"""Export and import: one workspace (or all) as a single versioned JSON document, and the
repertoire as CSV and Markdown.

The document holds every table of ``data.models`` with ids kept, tables in an order where
each row's references come before it, rows by id, keys sorted, datetimes in UTC ISO form:
the same data always gives the same bytes, so export → import → export is identical, on
SQLite, on PostgreSQL and across them. Tables are discovered from the models, so a table
added later is exported without touching this module.

Importing only ever goes into an empty database and in one transaction: a file that is
not a copbot export, of an unknown version, or corrupted is refused before the database
is touched, and a database error half-way rolls everything back.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tortoise import Tortoise, fields
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model
from tortoise.transactions import in_transaction

from data.db import MODELS_MODULE, connection, dialect
from data.fixed_sql import mark
from data.models import Community, Member, Resource, Workspace
from data.search_schema import search_indexed_after

FORMAT = "copbot-export"
VERSION = 1
CHUNK = 5000  # rows per query and per insert batch
PROGRESS_THRESHOLD = 20_000  # rows: below this an export is quick and shows no bar


class TransferError(Exception):
    """A reason an export or import cannot go ahead, written for the operator."""


# ---- the tables --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the model's field name, which is also the JSON key ("community_id")
    field: fields.Field[Any]
    references: str | None = None  # table the column points to


@dataclass
class Table:
    name: str
    model: type[Model]
    columns: list[Column]
    # tortoise filter reaching the workspace id ("community__workspace_id"), None = global
    workspace_path: str | None = None
    depends_on: set[str] = field(default_factory=set)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _relations(model: type[Model]) -> list[tuple[str, ForeignKeyFieldInstance[Any]]]:
    """(source column, relation field) for each foreign key and one-to-one of ``model``."""
    meta = model._meta
    found = []
    for name in sorted(meta.fk_fields | meta.o2o_fields):
        relation = meta.fields_map[name]
        assert isinstance(relation, ForeignKeyFieldInstance | OneToOneFieldInstance)
        found.append((str(relation.source_field), relation))
    return found


def _workspace_path(model: type[Model]) -> str | None:
    """The shortest chain of required references from ``model`` to its workspace."""
    if model is Workspace:
        return "id"
    queue: deque[tuple[type[Model], list[str]]] = deque([(model, [])])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for source, relation in _relations(current):
            target = relation.related_model
            if relation.null or target in seen:
                continue
            step = [*path, relation.model_field_name]
            if target is Workspace:
                return "__".join([*path, source])
            seen.add(target)
            queue.append((target, step))
    return None


def tables() -> list[Table]:
    """Every table of the models, ordered so that referenced tables come first."""
    if not Tortoise.apps or "models" not in Tortoise.apps:
        # checking a file before any database is opened: the models, without connections
        Tortoise.init_models([MODELS_MODULE], "models")
    by_name: dict[str, Table] = {}
    for model in Tortoise.apps["models"].values():  # type: ignore[index]
        meta = model._meta
        references = {
            source: relation.related_model._meta.db_table for source, relation in _relations(model)
        }
        columns = [
            Column(name, meta.fields_map[name], references.get(name))
            for name in sorted(meta.fields_db_projection)
        ]
        by_name[meta.db_table] = Table(
            name=meta.db_table,
            model=model,
            columns=columns,
            workspace_path=_workspace_path(model),
            depends_on={t for t in references.values() if t != meta.db_table},
        )
    ordered: list[Table] = []
    done: set[str] = set()
    while len(ordered) < len(by_name):
        ready = sorted(
            name for name, t in by_name.items() if name not in done and t.depends_on <= done
        )
        if not ready:
            raise RuntimeError("circular references between tables")
        for name in ready:
            ordered.append(by_name[name])
            done.add(name)
    return ordered


# ---- values ------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A database value as JSON: datetimes as UTC ISO text, the rest as they are."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _decode(table: str, row_id: object, column: Column, value: Any) -> Any:
    """A JSON value checked against its column and turned into the model's type."""
    where = f"table {table}, row {row_id}, column {column.name}"
    field_ = column.field
    if value is None:
        if not field_.null:
            raise TransferError(f"{where}: empty, but this column requires a value")
        return None
    if isinstance(field_, fields.DatetimeField):
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise TransferError(f"{where}: {value!r} is not a date-time with a time zone")
        return parsed.astimezone(UTC)
    if isinstance(field_, fields.BooleanField):
        if not isinstance(value, bool):
            raise TransferError(f"{where}: {value!r} is not true or false")
        return value
    if isinstance(field_, fields.IntField | fields.BigIntField | fields.SmallIntField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TransferError(f"{where}: {value!r} is not a whole number")
        return value
    if isinstance(field_, fields.CharField | fields.TextField):
        if not isinstance(value, str):
            raise TransferError(f"{where}: {value!r} is not text")
        limit = getattr(field_, "max_length", None)
        if limit is not None and len(value) > limit:
            raise TransferError(f"{where}: {len(value)} characters, at most {limit} fit")
        return value
    if isinstance(field_, fields.JSONField):
        if not isinstance(value, dict | list):
            raise TransferError(f"{where}: {value!r} is not a list or an object")
        return value
    raise TransferError(f"{where}: this copbot cannot import {type(field_).__name__} values")


# ---- progress ----------------------------------------------------------------------


class Progress:
    """A progress bar on a stream (stderr), shown only for long jobs. On a terminal it is
    redrawn in place; elsewhere (a log file) it prints a line every 25%."""

    WIDTH = 30

    def __init__(
        self,
        label: str,
        total: int = 0,
        stream: IO[str] | None = None,
        threshold: int = PROGRESS_THRESHOLD,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.threshold = threshold
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start(total)

    def start(self, total: int) -> None:
        """(Re)start at 0 of ``total`` rows; shown only when there are enough of them."""
        self.total = total
        self.done = 0
        self.enabled = total >= self.threshold and total > 0
        self._last_draw = 0.0
        self._last_quarter = -1

    def advance(self, rows: int) -> None:
        self.done = min(self.total, self.done + rows)
        if not self.enabled:
            return
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._last_draw = now
                self.stream.write("\r" + self.line())
                self.stream.flush()
        else:
            quarter = 4 * self.done // self.total
            if quarter != self._last_quarter:
                self._last_quarter = quarter
                self.stream.write(self.line() + "\n")

    def line(self) -> str:
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        percent = 100 * self.done // self.total if self.total else 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"{self.label} [{bar}] {percent:3d}% {self.done:,}/{self.total:,} rows"

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


# ---- export ------------------------------------------------------------------------


async def find_workspace(reference: str) -> Workspace:
    """A workspace by our id, its platform id, or ``platform:platform-id``."""
    if ":" in reference:
        platform, external = reference.split(":", 1)
        candidates = await Workspace.filter(platform=platform, external_id=external)
    else:
        candidates = await Workspace.filter(external_id=reference)
        if reference.isdigit():
            candidates += await Workspace.filter(id=int(reference))
    distinct = {w.id: w for w in candidates}
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    known = ", ".join(
        f"{w.id} ({w.platform}:{w.external_id} {w.name})".strip()
        for w in await Workspace.all().order_by("id")
    )
    if not distinct:
        raise TransferError(f"no workspace {reference!r}; the workspaces are: {known or 'none'}")
    raise TransferError(f"{reference!r} names several workspaces; use platform:id, one of: {known}")


def _scope(table: Table, workspace_id: int | None) -> dict[str, int] | None:
    """The filter of a table's rows in the export, or None when it has no place in it."""
    if workspace_id is None:
        return {}
    if table.workspace_path is None:
        return None  # global rows (processed platform events) belong to no one workspace
    return {table.workspace_path: workspace_id}


async def export_document(
    out: IO[str], workspace_id: int | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Write the JSON document to ``out``; returns the row count of each table."""
    plan = [(t, _scope(t, workspace_id)) for t in tables()]
    counts = {
        t.name: await t.model.filter(**scope).count() for t, scope in plan if scope is not None
    }
    progress = progress or Progress("exporting")
    progress.start(sum(counts.values()))

    scope_text = "all" if workspace_id is None else {"workspace": workspace_id}
    out.write("{\n")
    out.write(f'"format": {json.dumps(FORMAT)},\n"version": {VERSION},\n')
    out.write(f'"scope": {json.dumps(scope_text)},\n"tables": {{')
    first_table = True
    for table, scope in plan:
        if scope is None:
            continue
        out.write(("\n" if first_table else ",\n") + f"{json.dumps(table.name)}: [")
        first_table = False
        first_row = True
        last_id = None
        while True:
            query = table.model.filter(**scope).order_by("id").limit(CHUNK)
            if last_id is not None:
                query = query.filter(id__gt=last_id)
            rows = await query.values(*table.column_names)
            for row in rows:
                line = json.dumps(
                    {k: encode(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True
                )
                out.write(("\n" if first_row else ",\n") + line)
                first_row = False
            progress.advance(len(rows))
            if len(rows) < CHUNK:
                break
            last_id = rows[-1]["id"]
        out.write("\n]" if not first_row else "]")
    out.write("\n}\n}\n")
    progress.finish()
    return counts


# ---- the repertoire as CSV and Markdown ----------------------------------------------

REPERTOIRE_COLUMNS = (
    "workspace",
    "community",
    "title",
    "url",
    "kind",
    "tags",
    "description",
    "shared_by",
    "shared_at",
    "votes",
)


async def repertoire_rows(workspace_id: int | None = None) -> list[dict[str, str]]:
    """Every resource with its community and sharer's names, by community then date."""
    query = Resource.all() if workspace_id is None else Resource.filter(workspace_id=workspace_id)
    resources = await query.order_by("shared_at", "id").values(
        "workspace_id",
        "community_id",
        "title",
        "url",
        "kind",
        "tags",
        "description",
        "shared_by_id",
        "shared_at",
        "votes",
    )
    communities = dict(await Community.all().values_list("id", "name"))
    workspaces = {
        wid: name or f"{platform}:{external}"
        for wid, name, platform, external in await Workspace.all().values_list(
            "id", "name", "platform", "external_id"
        )
    }
    sharer_ids = {r["shared_by_id"] for r in resources if r["shared_by_id"] is not None}
    members = dict(
        await Member.filter(id__in=list(sharer_ids) or [-1]).values_list("id", "display_name")
    )
    rows = [
        {
            "workspace": str(workspaces.get(r["workspace_id"], "")),
            "community": str(communities.get(r["community_id"], "")),
            "title": r["title"],
            "url": r["url"],
            "kind": r["kind"],
            "tags": " ".join("#" + t for t in r["tags"]),
            "description": r["description"],
            "shared_by": str(members.get(r["shared_by_id"], "")),
            "shared_at": encode(r["shared_at"]),
            "votes": str(r["votes"]),
        }
        for r in resources
    ]
    rows.sort(key=lambda row: (row["workspace"].casefold(), row["community"].casefold()))
    return rows


def write_repertoire_csv(rows: list[dict[str, str]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=REPERTOIRE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # a cell starting with = + - @ is a formula to spreadsheets: member text must not run
        writer.writerow({k: _defuse_formula(v) for k, v in row.items()})


def _defuse_formula(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~"})


def markdown_text(text: str) -> str:
    """Member text made inert in Markdown (no links, emphasis or HTML of its own)."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)


def write_repertoire_markdown(rows: list[dict[str, str]], out: IO[str]) -> None:
    out.write("# Repertoire\n")
    current: tuple[str, str] | None = None
    if not rows:
        out.write("\nNo resources yet.\n")
    for row in rows:
        key = (row["workspace"], row["community"])
        if key != current:
            current = key
            out.write(
                f"\n## {markdown_text(row['community'])} ({markdown_text(row['workspace'])})\n\n"
            )
        title = markdown_text(row["title"] or row["url"])
        url = row["url"].replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        details = [row["kind"]]
        if row["tags"]:
            details.append(markdown_text(row["tags"]))
        details.append(f"shared by {markdown_text(row['shared_by'] or 'someone')}")
        details.append(row["shared_at"][:10])
        details.append(f"votes: {row['votes']}")
        line = f"- [{title}](<{url}>)"
        if row["description"]:
            line += " — " + markdown_text(row["description"])
        out.write(f"{line} ({', '.join(details)})\n")


# ---- reading a document -------------------------------------------------------------


@dataclass
class Document:
    scope: object
    rows: dict[str, list[dict[str, Any]]]  # table -> rows with model-typed values

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def read_document(path: Path) -> Document:
    """Parse and check a whole export file without touching any database."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TransferError(f"{path}: no such file") from error
    except UnicodeDecodeError as error:
        raise TransferError(f"{path} is not a copbot export: it is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise TransferError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "it may be truncated or corrupted"
        ) from error
    return parse_document(raw)


def parse_document(raw: object) -> Document:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise TransferError('this file is not a copbot export (no "format": "copbot-export")')
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TransferError(f"unknown export format version {version!r}")
    if version > VERSION:
        raise TransferError(
            f"this export was written by a newer copbot (format version {version}); "
            f"this copbot reads version {VERSION}: upgrade copbot to import it"
        )
    given = raw.get("tables")
    if not isinstance(given, dict):
        raise TransferError('the export has no "tables" object')
    known = {t.name: t for t in tables()}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise TransferError(
            f"the export has tables this copbot does not know: {', '.join(unknown)} "
            "(written by a newer copbot?)"
        )
    rows: dict[str, list[dict[str, Any]]] = {}
    ids: dict[str, set[int]] = {}
    for table in tables():
        table_rows = given.get(table.name, [])
        if not isinstance(table_rows, list):
            raise TransferError(f"table {table.name} is not a list of rows")
        rows[table.name] = [_parse_row(table, row) for row in table_rows]
        ids[table.name] = {row["id"] for row in rows[table.name]}
        if len(ids[table.name]) != len(rows[table.name]):
            raise TransferError(f"table {table.name} has the same id on several rows")
        for row in rows[table.name]:
            for column in table.columns:
                target = column.references
                value = row.get(column.name)
                if target is not None and value is not None and value not in ids[target]:
                    raise TransferError(
                        f"table {table.name}, row {row['id']}: {column.name} {value} refers to "
                        f"a row missing from table {target}"
                    )
    return Document(scope=raw.get("scope"), rows=rows)


def _parse_row(table: Table, row: object) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise TransferError(f"table {table.name} has a row that is not an object: {row!r:.60}")
    row_id = row.get("id")
    extra = sorted(set(row) - set(table.column_names))
    if extra:
        raise TransferError(
            f"table {table.name}, row {row_id}: unknown columns {', '.join(extra)} "
            "(written by a newer copbot?)"
        )
    parsed: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row:
            if column.field.pk or (not column.field.null and column.field.default is None):
                raise TransferError(f"table {table.name}, row {row_id}: {column.name} is missing")
            continue  # a column added after this export was written: its default applies
        parsed[column.name] = _decode(table.name, row_id, column, row[column.name])
    return parsed


# ---- import --------------------------------------------------------------------------


async def nonempty_tables() -> list[str]:
    """Tables of the current database that hold rows; a missing table counts as empty."""
    found = []
    client = connection()
    for table in tables():
        try:
            rows = await client.execute_query_dict(f'SELECT 1 AS one FROM "{table.name}" LIMIT 1')
        except Exception:  # no such table yet: the schema is created before importing
            continue
        if rows:
            found.append(table.name)
    return found


async def import_document(doc: Document, progress: Progress | None = None) -> dict[str, int]:
    """Insert every row of ``doc`` into the current (empty, migrated) database, in one
    transaction. Raises TransferError, with nothing changed, when it cannot."""
    progress = progress or Progress("importing")
    progress.start(sum(doc.counts.values()))
    try:
        async with in_transaction():
            # checked again inside the transaction, in case something wrote meanwhile
            busy = await nonempty_tables()
            if busy:
                raise TransferError(not_empty_message(busy))
            async with search_indexed_after(connection()):
                for table in tables():
                    rows = doc.rows.get(table.name, [])
                    for start in range(0, len(rows), CHUNK):
                        batch = [table.model(**row) for row in rows[start : start + CHUNK]]
                        await table.model.bulk_create(batch, batch_size=CHUNK)
                        progress.advance(len(batch))
            await _restore_reader_versions(doc.rows.get("community", []))
            if dialect() == "postgres":
                await _advance_sequences()
    except TransferError:
        raise
    except Exception as error:
        raise TransferError(
            f"the database refused the data ({type(error).__name__}: {_one_line(error)}); "
            "nothing was imported"
        ) from error
    finally:
        progress.finish()
    return doc.counts


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def not_empty_message(busy: list[str]) -> str:
    return (
        "the target database is not empty (rows in: " + ", ".join(busy) + "); "
        "import only restores into an empty database, so nothing was changed"
    )


async def _restore_reader_versions(communities: list[dict[str, Any]]) -> None:
    """Each community's ``readers_version`` as exported. The triggers of ``data.readers``
    moved it as the memberships arrived, but the reader counts kept beside it were counted
    from those very memberships, so they are still current (and the copy is exact)."""
    if not communities:
        return
    on = dialect()
    sql = f"UPDATE community SET readers_version = {mark(on, 1)} WHERE id = {mark(on, 2)}"
    values = [[row.get("readers_version", 0), row["id"]] for row in communities]
    await connection().execute_many(sql, values)


async def _advance_sequences() -> None:
    """Ids were inserted explicitly, which does not move PostgreSQL's sequences: without
    this the next row created would collide with an imported id."""
    client = connection()
    for table in tables():
        await client.execute_query(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), MAX(id)) "
            f'FROM "{table.name}" HAVING MAX(id) IS NOT NULL'
        )
