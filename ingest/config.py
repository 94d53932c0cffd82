"""The TOML configuration file (``sources.toml``): parsing and validation.

Every problem is reported as one :class:`ConfigError` with a one-line message, so the
CLI can exit 2 without a traceback.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warehouse.backend import DuckDBFile, DuckLake, Warehouse
from warehouse.lake import LakeConfigError, LakeLocation

SOURCE_KINDS = ("rss", "atom", "sitemap", "gdelt", "urls")
WAREHOUSE_BACKENDS = ("duckdb", "ducklake")
GDELT_API = "https://api.gdeltproject.org/api/v2/doc/doc"
# Articles about both countries, in every language GDELT reads.
GDELT_DEFAULT_QUERY = "(China OR Beijing) (Russia OR Moscow)"


class ConfigError(ValueError):
    """The configuration file is missing or invalid; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = "sinorus/0.1 (+https://github.com/sinorus/sinorus)"
    max_bytes: int = 10_485_760
    timeout_s: float = 30.0
    per_host_delay_s: float = 1.0
    per_host_concurrency: int = 1
    max_crawl_delay_s: float = 30.0  # hosts whose robots.txt asks for more are skipped
    max_retries: int = 2  # for transient failures only
    retry_backoff_s: float = 1.0  # first backoff; doubles per retry, with jitter
    host_failure_limit: int = 5  # consecutive transient failures before a host is switched off
    run_budget_s: float = 3600.0  # a host asking to wait past this is deferred to the next run
    max_pages_per_source: int = 500
    allowed_private_networks: tuple[str, ...] = ()
    # Articles first seen this recently are fetched again when a feed lists them, to catch
    # edits (docs/dedup.md); 0 never refetches.
    refetch_days: float = 2.0
    # Where sharded runs hand candidates to each other (docs/fetching.md, "Host shards");
    # empty = <data dir>/handoff. Shards on different machines need a directory they share.
    handoff_dir: str = ""

    def allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(n, strict=False) for n in self.allowed_private_networks]


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str
    url: str
    language: str | None = None
    urls: tuple[str, ...] = ()  # only for kind = "urls"
    query: str = ""  # only for kind = "gdelt": the DOC 2.0 query
    interval_s: float = 5.0  # only for kind = "gdelt": seconds between two API calls


@dataclass(frozen=True, slots=True)
class ArchiveSettings:
    """The raw WARC archive (docs/dedup.md)."""

    # Days of raw captures to keep; older WARC files and their captures rows are pruned
    # (never the articles). 0 keeps everything.
    retention_days: float = 0.0


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """The extraction stage (docs/throughput.md)."""

    workers: int = 0  # extraction processes; 0 = one per core
    batch_size: int = 200  # pages per extraction batch (the pool's unit of work)
    # Pages whose articles are annotated and staged together, in whole batches (a call has
    # a fixed cost of ≈ 0.2 CPU-s, docs/throughput.md); at most batch_size: one per batch.
    part_size: int = 1000
    page_timeout_s: float = 60.0  # a page that takes longer is recorded as failed
    max_pending: int = 0  # batches in flight before fetching pauses; 0 = workers + 1
    runner: str = "local"  # local (process pool) | dask (Prefect's DaskTaskRunner)
    dask_address: str = ""  # an existing Dask scheduler; empty = a temporary local cluster


@dataclass(frozen=True, slots=True)
class Schedule:
    cron: str = "0 2 * * *"
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Config:
    warehouse_path: Path  # the DuckDB file (backend "duckdb")
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[Source, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    path: Path | None = None
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    lake: LakeLocation | None = None  # backend "ducklake"
    run_dir: Path | None = None  # warehouse.run_dir, when set

    @property
    def warehouse(self) -> Warehouse:
        """The configured backend (warehouse/backend.py)."""
        return DuckDBFile(self.warehouse_path) if self.lake is None else DuckLake(self.lake)

    @property
    def data_dir(self) -> Path:
        """This machine's directory for staged batches and the WARC archive.

        ``warehouse.run_dir`` when set; else beside the DuckDB file or the local catalog
        file; for a PostgreSQL catalog, ``data/`` beside the config file.
        """
        if self.run_dir is not None:
            return self.run_dir
        if self.lake is None:
            return self.warehouse_path.parent
        file = self.lake.catalog_file
        return file.parent if file is not None else self.warehouse_path.parent

    @property
    def handoff_dir(self) -> Path:
        """Where sharded runs leave each other the candidates on hosts they do not own."""
        return Path(self.fetch.handoff_dir) if self.fetch.handoff_dir else self.data_dir / "handoff"

    def with_db(self, db: Path | str | None) -> Config:
        """The same configuration on the DuckDB file ``db`` (``--db``), whatever the backend."""
        if db is None:
            return self
        return replace(self, warehouse_path=Path(db), lake=None, run_dir=None)


def _expect(table: dict[str, Any], key: str, kinds: type | tuple[type, ...], where: str) -> Any:
    value = table[key]
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise ConfigError(f"{where}.{key} must be {_kind_name(kinds)}, not {value!r}")
    if not isinstance(value, kinds):
        raise ConfigError(f"{where}.{key} must be {_kind_name(kinds)}, not {value!r}")
    return value


def _kind_name(kinds: type | tuple[type, ...]) -> str:
    names = [k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,))]
    return " or ".join({"str": "a string", "int": "a number", "float": "a number",
                        "list": "a list", "bool": "true or false"}.get(n, n) for n in names)


def _parse_fetch(table: dict[str, Any]) -> FetchSettings:
    defaults = FetchSettings()
    known = {f: getattr(defaults, f) for f in FetchSettings.__slots__}
    unknown = set(table) - set(known)
    if unknown:
        raise ConfigError(f"[fetch] has unknown key(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        default = known[key]
        if isinstance(default, tuple):
            _expect(table, key, list, "fetch")
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(f"fetch.{key} must be a list of strings")
            values[key] = tuple(value)
        elif isinstance(default, str):
            values[key] = _expect(table, key, str, "fetch")
        else:
            number = _expect(table, key, (int, float), "fetch")
            if number < 0:
                raise ConfigError(f"fetch.{key} must not be negative")
            values[key] = type(default)(number)
    settings = FetchSettings(**values)
    if settings.per_host_concurrency < 1:
        raise ConfigError("fetch.per_host_concurrency must be at least 1")
    try:
        settings.allowed_networks()
    except ValueError as exc:
        raise ConfigError(f"fetch.allowed_private_networks: {exc}") from None
    return settings


def _parse_source(index: int, table: dict[str, Any]) -> Source:
    where = f"sources[{index}]"
    for key in ("name", "kind"):
        if key not in table:
            raise ConfigError(f"{where} needs a {key!r}")
    name = _expect(table, "name", str, where)
    kind = _expect(table, "kind", str, where)
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"source {name!r}: kind must be one of {', '.join(SOURCE_KINDS)}")
    urls: tuple[str, ...] = ()
    if kind == "urls":
        if "urls" not in table:
            raise ConfigError(f"source {name!r}: kind 'urls' needs a list 'urls'")
        urls = tuple(_expect(table, "urls", list, f"source {name!r}"))
        url = table.get("url", urls[0] if urls else "")
    elif kind == "gdelt":
        url = table.get("url", GDELT_API)
    else:
        if "url" not in table:
            raise ConfigError(f"source {name!r} needs a 'url'")
        url = _expect(table, "url", str, f"source {name!r}")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError(f"source {name!r}: url must start with http:// or https://")
    language = table.get("language")
    if language is not None and not isinstance(language, str):
        raise ConfigError(f"source {name!r}: language must be a string")
    if kind != "gdelt":
        stray = {"query", "interval_s"} & set(table)
        if stray:
            raise ConfigError(f"source {name!r}: {', '.join(sorted(stray))} is for gdelt only")
        return Source(name=name, kind=kind, url=url, language=language, urls=urls)
    query = table.get("query", GDELT_DEFAULT_QUERY)
    if not isinstance(query, str) or not query.strip():
        raise ConfigError(f"source {name!r}: query must be a non-empty string")
    interval = table.get("interval_s", 5.0)
    if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
        raise ConfigError(f"source {name!r}: interval_s must be a number of seconds >= 0")
    return Source(name=name, kind=kind, url=url, language=language, query=query,
                  interval_s=float(interval))


def parse_config(text: str, base_dir: Path | None = None, path: Path | None = None) -> Config:
    """Parse the TOML text of a configuration file; relative paths resolve against base_dir."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}") from None
    base_dir = base_dir or Path.cwd()
    warehouse = data.get("warehouse", {})
    if not isinstance(warehouse, dict):
        raise ConfigError("[warehouse] must be a table")
    wh_path, lake, run_dir = _parse_warehouse(warehouse, base_dir)
    fetch_table = data.get("fetch", {})
    if not isinstance(fetch_table, dict):
        raise ConfigError("[fetch] must be a table")
    fetch = _parse_fetch(fetch_table)
    if fetch.handoff_dir:
        handoff = Path(fetch.handoff_dir).expanduser()
        fetch = replace(fetch, handoff_dir=str(handoff if handoff.is_absolute()
                                               else base_dir / handoff))
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list) or not all(isinstance(s, dict) for s in raw_sources):
        raise ConfigError("sources must be an array of tables ([[sources]])")
    sources = tuple(_parse_source(i, s) for i, s in enumerate(raw_sources))
    names = [s.name for s in sources]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigError(f"source names must be unique; repeated: {', '.join(duplicated)}")
    sched_table = data.get("schedule", {})
    if not isinstance(sched_table, dict):
        raise ConfigError("[schedule] must be a table")
    default = Schedule()
    schedule = Schedule(
        cron=str(sched_table.get("cron", default.cron)),
        timezone=str(sched_table.get("timezone", default.timezone)),
    )
    try:
        ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"schedule.timezone: unknown time zone {schedule.timezone!r}") from None
    return Config(wh_path, fetch, sources, schedule, path, _parse_archive(data.get("archive", {})),
                  extract=_parse_extract(data.get("extract", {})), lake=lake, run_dir=run_dir)



def _parse_warehouse(table: dict[str, Any], base_dir: Path
                     ) -> tuple[Path, LakeLocation | None, Path | None]:
    """``[warehouse]``: the DuckDB file, or a DuckLake's catalog and data path."""
    unknown = set(table) - {"backend", "path", "catalog", "data_path", "run_dir"}
    if unknown:
        raise ConfigError(f"[warehouse] has unknown key(s): {', '.join(sorted(unknown))}")
    for key, value in table.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f"warehouse.{key} must be a non-empty string")
    backend = table.get("backend", "duckdb")
    if backend not in WAREHOUSE_BACKENDS:
        raise ConfigError(f"warehouse.backend must be one of {', '.join(WAREHOUSE_BACKENDS)}, "
                          f"not {backend!r}")
    wh_path = Path(table.get("path", "data/warehouse.duckdb")).expanduser()
    wh_path = wh_path if wh_path.is_absolute() else base_dir / wh_path
    run_dir = None
    if "run_dir" in table:
        run_dir = Path(table["run_dir"]).expanduser()
        run_dir = run_dir if run_dir.is_absolute() else base_dir / run_dir
    if backend == "duckdb":
        stray = sorted({"catalog", "data_path"} & set(table))
        if stray:
            raise ConfigError(f"warehouse.{stray[0]} is for backend = \"ducklake\" only")
        return wh_path, None, run_dir
    if "path" in table:
        raise ConfigError('warehouse.path is for backend = "duckdb"; a DuckLake is named by '
                          "warehouse.catalog and warehouse.data_path")
    for key in ("catalog", "data_path"):
        if key not in table:
            raise ConfigError(f'backend = "ducklake" needs warehouse.{key}')
    try:
        lake = LakeLocation.parse(table["catalog"], table["data_path"], base_dir)
    except LakeConfigError as exc:
        raise ConfigError(str(exc)) from None
    return wh_path, lake, run_dir


def _parse_archive(table: Any) -> ArchiveSettings:
    if not isinstance(table, dict):
        raise ConfigError("[archive] must be a table")
    unknown = set(table) - {"retention_days"}
    if unknown:
        raise ConfigError(f"[archive] has unknown key(s): {', '.join(sorted(unknown))}")
    days = table.get("retention_days", 0)
    if isinstance(days, bool) or not isinstance(days, int | float) or days < 0:
        raise ConfigError(f"archive.retention_days must be a number of days >= 0, not {days!r}")
    return ArchiveSettings(retention_days=float(days))


def _parse_extract(table: Any) -> ExtractSettings:
    if not isinstance(table, dict):
        raise ConfigError("[extract] must be a table")
    default = ExtractSettings()
    unknown = set(table) - set(ExtractSettings.__slots__)  # type: ignore[attr-defined]
    if unknown:
        raise ConfigError(f"[extract] has unknown key(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, least in (("workers", 0), ("batch_size", 1), ("part_size", 1),
                       ("max_pending", 0)):
        value = table.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"extract.{key} must be a whole number >= {least}, not {value!r}")
        values[key] = value
    timeout = table.get("page_timeout_s", default.page_timeout_s)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError(f"extract.page_timeout_s must be a number of seconds > 0, "
                          f"not {timeout!r}")
    runner = table.get("runner", default.runner)
    if runner not in ("local", "dask"):
        raise ConfigError(f"extract.runner must be \"local\" or \"dask\", not {runner!r}")
    address = table.get("dask_address", default.dask_address)
    if not isinstance(address, str):
        raise ConfigError(f"extract.dask_address must be a string, not {address!r}")
    if address and runner != "dask":
        raise ConfigError("extract.dask_address is only used with runner = \"dask\"")
    return ExtractSettings(page_timeout_s=float(timeout), runner=runner,
                           dask_address=address, **values)


def load_config(path: Path | str) -> Config:
    """Read and parse a configuration file; a missing or unreadable file is a ConfigError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    try:
        return parse_config(text, base_dir=path.resolve().parent, path=path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
