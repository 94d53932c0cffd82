"""DuckLake: the warehouse as a catalog database plus Parquet data files.

Several processes (or machines) write at once, each commit is a snapshot, and a reader's
transaction sees one snapshot from start to end. The catalog is a SQLite file (several
processes on one machine), a DuckDB file (one process only: DuckDB locks its files) or a
PostgreSQL database (a team); the data files live in a directory or an object store.

Extensions come from their PyPI wheels (``duckdb-extension-ducklake``,
``duckdb-extension-sqlite-scanner``, ``duckdb-extension-postgres-scanner``,
``duckdb-extension-httpfs``), like fts (warehouse/fts.py), so nothing is downloaded at run
time; an extension whose wheel is not installed is loaded by name, which works where
DuckDB's extension repository is reachable.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.serial import ATTEMPTS, backoff, is_retryable

ALIAS = "lake"
_INIT_RACE = "Failed to initialize DuckLake"
CATALOG_KINDS = ("sqlite", "duckdb", "postgres")
# The wheel that ships each extension, and the file name inside it.
_WHEELS = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}
_CATALOG_EXTENSION = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}
_SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
_DUCKDB_SUFFIXES = (".ducklake", ".duckdb")
_REMOTE = re.compile(r"^[a-z][a-z0-9+]*://")


class LakeConfigError(ValueError):
    """A catalog or data path that cannot name a DuckLake; the message is one line."""


def bundled_extension(name: str) -> Path | None:
    """The extension binary shipped by its PyPI wheel for this DuckDB, if installed."""
    try:
        module = importlib.import_module(_WHEELS[name])
    except ImportError:
        return None
    path = (Path(module.__file__ or "").parent / "extensions" / f"v{duckdb.__version__}"
            / f"{name}.duckdb_extension")
    return path if path.exists() else None


def load_extension(conn: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD an extension from its wheel, else by name (installed or downloadable)."""
    path = bundled_extension(name)
    if path is None:
        conn.execute(f"LOAD {name}")
    else:
        conn.execute("LOAD '" + str(path).replace("'", "''") + "'")


@dataclass(frozen=True, slots=True)
class LakeLocation:
    """Where a DuckLake lives: its catalog database and its data files."""

    catalog_kind: str  # one of CATALOG_KINDS
    catalog: str  # a file path (sqlite, duckdb) or a libpq connection string (postgres)
    data_path: str  # a directory path, or a URL such as s3://bucket/prefix/

    @classmethod
    def parse(cls, catalog: str, data_path: str, base_dir: Path) -> LakeLocation:
        """Read ``catalog`` and ``data_path`` as written in the config file."""
        if not catalog.strip():
            raise LakeConfigError("warehouse.catalog must name the DuckLake catalog")
        if not data_path.strip():
            raise LakeConfigError("warehouse.data_path must name the DuckLake data directory")
        if catalog.startswith("postgres:"):
            kind, target = "postgres", catalog.removeprefix("postgres:").strip()
            if not target:
                raise LakeConfigError("warehouse.catalog 'postgres:' needs a connection "
                                      "string, e.g. 'postgres:dbname=sinorus host=db'")
        else:
            if catalog.startswith("sqlite:"):
                kind, target = "sqlite", catalog.removeprefix("sqlite:")
            elif catalog.endswith(_SQLITE_SUFFIXES):
                kind, target = "sqlite", catalog
            elif catalog.endswith(_DUCKDB_SUFFIXES):
                kind, target = "duckdb", catalog
            else:
                raise LakeConfigError(
                    f"warehouse.catalog {catalog!r}: use a SQLite file (.sqlite), a DuckDB "
                    "file (.ducklake) or 'postgres:<connection string>'")
            target = str(_absolute(target, base_dir))
        data = data_path if _REMOTE.match(data_path) else str(_absolute(data_path, base_dir))
        return cls(kind, target, data.rstrip("/") + "/")

    @property
    def catalog_file(self) -> Path | None:
        return None if self.catalog_kind == "postgres" else Path(self.catalog)

    @property
    def data_dir(self) -> Path | None:
        """The local data directory (None for an object store)."""
        return None if _REMOTE.match(self.data_path) else Path(self.data_path)

    def uri(self) -> str:
        if self.catalog_kind == "duckdb":
            return f"ducklake:{self.catalog}"
        return f"ducklake:{self.catalog_kind}:{self.catalog}"

    def describe(self) -> str:
        """The location for messages, without a PostgreSQL password."""
        catalog = re.sub(r"password=\S+", "password=…", self.catalog)
        return f"DuckLake {self.catalog_kind}:{catalog} (data {self.data_path})"


def _absolute(path: str, base_dir: Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else base_dir / p


def attach(location: LakeLocation, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB session with the lake attached as ``lake`` and in use.

    Temp tables (the loader's staging) stay in this session; everything else is the lake.
    A SQLite catalog busy with another writer's commit (or two processes creating a new
    lake at once) is waited for and tried again.
    """
    for attempt in range(ATTEMPTS):
        try:
            return _attach_once(location, read_only)
        except duckdb.Error as exc:
            if not (is_retryable(exc) or _INIT_RACE in str(exc)) or attempt == ATTEMPTS - 1:
                raise
        backoff(attempt)
    raise AssertionError("unreachable")


def _attach_once(location: LakeLocation, read_only: bool) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    try:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute("SET enable_progress_bar = false")
        load_extension(conn, "ducklake")
        if location.catalog_kind in _CATALOG_EXTENSION:
            load_extension(conn, _CATALOG_EXTENSION[location.catalog_kind])
        if location.data_dir is None:
            load_extension(conn, "httpfs")
            _s3_secret_from_environment(conn, location.data_path)
        if not read_only and location.catalog_file is not None:
            location.catalog_file.parent.mkdir(parents=True, exist_ok=True)
        if not read_only and location.data_dir is not None:
            location.data_dir.mkdir(parents=True, exist_ok=True)
        uri = location.uri().replace("'", "''")
        options = ["DATA_PATH '" + location.data_path.replace("'", "''") + "'"]
        if read_only:
            options.append("READ_ONLY")
        conn.execute(f"ATTACH '{uri}' AS {ALIAS} ({', '.join(options)})")
        conn.execute(f"USE {ALIAS}")
    except BaseException:
        conn.close()
        raise
    return conn


def _s3_secret_from_environment(conn: duckdb.DuckDBPyConnection, data_path: str) -> None:
    """An S3 secret for this session from the usual AWS_* variables, when they are set."""
    if not data_path.startswith("s3://") or "AWS_ACCESS_KEY_ID" not in os.environ:
        return
    params = {"KEY_ID": "AWS_ACCESS_KEY_ID", "SECRET": "AWS_SECRET_ACCESS_KEY",
              "REGION": "AWS_REGION", "ENDPOINT": "AWS_ENDPOINT_URL",
              "SESSION_TOKEN": "AWS_SESSION_TOKEN"}
    values = {k: os.environ[v] for k, v in params.items() if os.environ.get(v)}
    if "ENDPOINT" in values:  # DuckDB wants host[:port], and a scheme choice of its own
        endpoint = values["ENDPOINT"]
        values["ENDPOINT"] = re.sub(r"^https?://", "", endpoint)
        if endpoint.startswith("http://"):
            values["USE_SSL"] = "false"
        values["URL_STYLE"] = "path"
    body = ", ".join(f"{k} {v}" if k == "USE_SSL" else f"{k} '{v.replace(chr(39), chr(39) * 2)}'"
                     for k, v in values.items())
    conn.execute(f"CREATE OR REPLACE TEMPORARY SECRET sinorus_s3 (TYPE s3, {body})")


def is_lake(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's default catalog is a DuckLake."""
    row = conn.execute("SELECT type FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchone()
    return bool(row) and row[0] == "ducklake"


# DuckLake has no primary keys or unique constraints; uniqueness is the loader's job
# (MERGE and anti-joins on the key, one writer at a time per commit, see warehouse/load.py).
_INLINE_KEY = re.compile(r"\s+(PRIMARY KEY|UNIQUE)(?=\s*(,|\)|$))", re.IGNORECASE)
_TABLE_KEY = re.compile(r",\s*(PRIMARY KEY|UNIQUE)\s*\([^)]*\)", re.IGNORECASE)


def without_keys(ddl: str) -> str:
    """``CREATE TABLE`` text with its PRIMARY KEY / UNIQUE constraints removed."""
    if not re.match(r"\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE", ddl, re.IGNORECASE):
        return ddl
    return _INLINE_KEY.sub("", _TABLE_KEY.sub("", ddl))
