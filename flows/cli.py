"""The ``sinorus`` command line. Exit codes: 0 success, 1 some sources failed, 2 bad usage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flows.prefect_env import apply_defaults, stop_ephemeral_servers

if TYPE_CHECKING:
    from warehouse.backend import Warehouse

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="sinorus: news about Russia–China relations, in every language, in DuckDB.")
# Outside a terminal rich would wrap tables at 80 columns; logs and CI read wider lines.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

ConfigOpt = Annotated[Path, typer.Option("--config", help="Configuration file (TOML).")]
DbOpt = Annotated[Path | None, typer.Option("--db", help="Warehouse path (overrides the config).")]
ShardOpt = Annotated[str | None, typer.Option(
    "--shard", help="i/n: run as shard i of n that fetch disjoint sets of hosts at once.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _check_shard(shard: str | None) -> None:
    from ingest.shards import ShardSpecError, parse_shard

    if shard is not None:
        try:
            parse_shard(shard)
        except ShardSpecError as exc:
            raise _fail(f"--shard: {exc}") from None


def _run_flow(config_path: Path, db: Path | None, shard: str | None = None) -> int:
    _check_shard(shard)
    apply_defaults(quiet_logs=True)
    from flows.interrupt import EXIT_INTERRUPTED, stop_on_ctrl_c
    from flows.nightly import nightly_ingest, summary_of
    from flows.progress import LogReporter, RichReporter, set_reporter
    from flows.summary import print_summary
    from ingest.config import ConfigError, load_config
    from warehouse.publish import WarehouseBusyError, WarehouseError

    try:
        load_config(config_path)  # fail fast, before Prefect starts
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    interactive = sys.stderr.isatty()
    progress = RichReporter(err) if interactive else LogReporter()
    if not interactive:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                            stream=sys.stderr)
    set_reporter(progress)
    try:
        import asyncio

        with stop_on_ctrl_c(cleanup=stop_ephemeral_servers):
            state = asyncio.run(nightly_ingest(str(config_path), str(db) if db else None,
                                               shard, return_state=True))
        summary = summary_of(state)
    except KeyboardInterrupt:
        raise _fail("interrupted; the next run picks up what was staged",
                    EXIT_INTERRUPTED) from None
    except (WarehouseBusyError, WarehouseError, ConfigError) as exc:
        raise _fail(str(exc)) from None
    except RuntimeError as exc:
        if "ephemeral Prefect API server" not in str(exc):
            raise
        raise _fail("Prefect's temporary server did not start in time; set "
                    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS higher or point "
                    "PREFECT_API_URL at a running server") from None
    finally:
        progress.close()
        stop_ephemeral_servers()
    print_summary(out, summary)
    return 1 if summary.failed_sources else 0


@app.command()
def run(config: ConfigOpt = Path("sources.toml"), db: DbOpt = None,
        shard: ShardOpt = None) -> None:
    """One ingestion run now, as the nightly schedule would."""
    raise typer.Exit(_run_flow(config, db, shard))


@app.command()
def reprocess(config: ConfigOpt = Path("sources.toml"), db: DbOpt = None,
              since: Annotated[str | None, typer.Option(
                  "--since", help="Only pages fetched on or after this date (YYYY-MM-DD, UTC) "
                                  "or instant (ISO 8601).")] = None) -> None:
    """Re-extract and re-annotate archived pages (no network), updating the warehouse."""
    from datetime import UTC, datetime

    from ingest.config import ConfigError, load_config
    from warehouse.publish import WarehouseBusyError, WarehouseError

    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            raise _fail(f"--since: not a date or ISO 8601 instant: {since!r}") from None
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
    try:
        cfg = load_config(config).with_db(db)
        from flows.reprocess import reprocess as replay

        summary = replay(cfg, start)
    except (ConfigError, WarehouseBusyError, WarehouseError) as exc:
        raise _fail(str(exc)) from None
    out.print(f"reprocessed {summary.captures} archived page(s) from {summary.runs} run(s)"
              f" ({summary.reindexed_files} WARC file(s) indexed from the files): "
              f"{summary.articles} article(s), {summary.new} new, {summary.updated} updated, "
              f"{summary.unchanged} unchanged"
              + (f", {summary.failed} page(s) the extractor failed on" if summary.failed else ""),
              highlight=False)


@app.command()
def serve(config: ConfigOpt = Path("sources.toml"), db: DbOpt = None,
          shard: ShardOpt = None) -> None:
    """Register the nightly-ingest deployment with its cron schedule and serve it."""
    _check_shard(shard)
    apply_defaults()
    from ingest.config import ConfigError, load_config

    try:
        cfg = load_config(config)
        from flows.serve import build_deployment, serve_nightly

        deployment = build_deployment(cfg, config, db, shard)  # validates the schedule
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    err.print(f"serving deployment nightly-ingest/{deployment.name} "
              f"(cron {cfg.schedule.cron!r}, {cfg.schedule.timezone}); Ctrl-C stops")
    serve_nightly(cfg, config, db, shard)


@app.command()
def demo(db: DbOpt = None,
         config: ConfigOpt = Path("sources.toml")) -> None:
    """The same flow against the bundled sample news site on 127.0.0.1 (offline)."""
    from flows.demo import demo_config_text, print_demo_queries
    from flows.sample_site import SampleSite

    db_path = (db or Path("data/demo.duckdb")).resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with SampleSite() as site:
        demo_cfg = db_path.with_name(db_path.stem + ".sources.toml")
        demo_cfg.write_text(demo_config_text(site.base_url, db_path), encoding="utf-8")
        err.print(f"sample site on {site.base_url}; warehouse {db_path}")
        code = _run_flow(demo_cfg, db_path)
    print_demo_queries(out, db_path)
    raise typer.Exit(code)


@app.command()
def extract(files: Annotated[list[Path] | None, typer.Argument(help="HTML files (.gz ok).")] = None,
            manifest: Annotated[str | None, typer.Option(
                "--manifest", help="'-': JSON lines {path, url} on stdin.")] = None,
            url: Annotated[str | None, typer.Option(help="URL for a single file.")] = None,
            ) -> None:
    """Extraction only: one JSON object per input."""
    import gzip

    from ingest.encoding import decode_body
    from transform.extract import extract as extract_page

    items: list[tuple[Path, str]] = []
    if manifest == "-":
        for line in sys.stdin:
            if line.strip():
                try:
                    rec = json.loads(line)
                    items.append((Path(rec["path"]), rec.get("url") or ""))
                except (ValueError, KeyError, TypeError):
                    raise _fail(f"bad manifest line: {line.strip()[:80]}") from None
    elif manifest is not None:
        raise _fail("--manifest takes '-' (JSON lines on standard input)")
    for f in files or []:
        items.append((f, url or f.resolve().as_uri()))
    if not items:
        raise _fail("give HTML files or --manifest -")
    for path, page_url in items:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _fail(f"cannot read {path}: {exc.strerror}") from None
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        art = extract_page(decode_body(raw)[0], page_url)
        print(json.dumps({"path": str(path), "url": page_url, "title": art.title,
                          "authors": art.authors, "published_at": art.published_at,
                          "language": art.language, "text": art.text}, ensure_ascii=False))


@app.command()
def annotate() -> None:
    """JSON lines {id, title, text, language?, published_at?} on stdin → annotations on stdout."""
    from transform.annotate import annotate_records

    records = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or "id" not in record:
                raise ValueError("needs an object with an 'id'")
        except ValueError as exc:
            raise _fail(f"line {number}: not a JSON object with an id ({exc})") from None
        records.append(record)
    for result in annotate_records(records):
        print(json.dumps(result, ensure_ascii=False))


@app.command()
def sql(query: str, config: ConfigOpt = Path("sources.toml"), db: DbOpt = None,
        format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
        ) -> None:
    """Read-only SQL on the warehouse (the fts extension is loaded: match_bm25 works)."""
    import duckdb

    from warehouse.fts import SearchUnavailableError
    from warehouse.publish import WarehouseError
    from warehouse.query import open_read_only

    if format not in ("table", "csv", "json"):
        raise _fail("--format must be table, csv or json")
    try:
        conn = open_read_only(_db_path(config, db), with_search=True)
    except (WarehouseError, SearchUnavailableError) as exc:
        raise _fail(str(exc)) from None
    try:
        rel = conn.execute(query)
        columns = [d[0] for d in rel.description or []]
        rows = rel.fetchall()
    except duckdb.Error as exc:
        raise _fail(str(exc).splitlines()[0]) from None
    _print_rows(columns, rows, format)


@app.command()
def search(words: Annotated[str, typer.Argument(help='Words (all must occur); "a phrase".')],
           lang: Annotated[str | None, typer.Option(
               "--lang", help="Only articles in this language (ISO 639-1).")] = None,
           since: Annotated[str | None, typer.Option(
               "--since", help="Only articles published on or after DATE (YYYY-MM-DD).")] = None,
           limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
           config: ConfigOpt = Path("sources.toml"), db: DbOpt = None,
           format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
           ) -> None:
    """Full-text (BM25) search over article titles and texts, read-only."""
    from datetime import date

    import duckdb

    from warehouse.fts import SearchUnavailableError
    from warehouse.fts import search as fts_search
    from warehouse.publish import WarehouseError
    from warehouse.query import open_read_only

    if format not in ("table", "csv", "json"):
        raise _fail("--format must be table, csv or json")
    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        raise _fail(f"--since must be a date like 2025-01-31, not {since!r}") from None
    try:
        conn = open_read_only(_db_path(config, db), with_search=True)
        hits = fts_search(conn, words, language=lang, since=since_date, limit=limit)
    except (WarehouseError, SearchUnavailableError) as exc:
        raise _fail(str(exc)) from None
    except duckdb.Error as exc:
        raise _fail(str(exc).splitlines()[0]) from None
    columns = ["score", "published_at", "language", "source", "title", "url", "article_id"]
    _print_rows(columns, [(round(h.score, 3), h.published_at, h.language, h.source, h.title,
                           h.url, h.article_id) for h in hits], format)


@app.command()
def export(directory: Annotated[Path, typer.Argument(help="Output directory.")],
           config: ConfigOpt = Path("sources.toml"), db: DbOpt = None,
           overwrite: Annotated[bool, typer.Option(
               "--overwrite", help="Replace an existing, non-empty DIR.")] = False,
           ) -> None:
    """Write the warehouse as Parquet, articles partitioned by publication month."""
    import duckdb

    from warehouse.export import ExportError, export_parquet
    from warehouse.publish import WarehouseError
    from warehouse.query import open_read_only

    try:
        conn = open_read_only(_db_path(config, db))
        counts = export_parquet(conn, directory, overwrite=overwrite)
    except (WarehouseError, ExportError) as exc:
        raise _fail(str(exc)) from None
    except (duckdb.Error, OSError) as exc:
        raise _fail(str(exc).splitlines()[0]) from None
    err.print(f"exported to {directory}: "
              + ", ".join(f"{n} {table}" for table, n in counts.items()), highlight=False)


def _db_path(config: Path, db: Path | None) -> Warehouse | Path:
    """The warehouse of ``--db`` (a DuckDB file), else the configured backend."""
    from ingest.config import ConfigError, load_config

    if db is not None:
        return db
    try:
        return load_config(config).warehouse
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], format: str) -> None:
    if format == "json":
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), default=str,
                             ensure_ascii=False))
    elif format == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
