"""End to end on a local news corpus: sinorus against the extraction limit and its peers.

    PYTHONPATH=. python bench/e2e.py --pages 10000 --latency-ms 50 [--write-docs]
    PYTHONPATH=. python bench/e2e.py --setup-peers          # once: peers' virtualenvs

One run, on the same pages (``bench/corpus.py``, generated once per size and seed into
the work directory, then reused):

1. the limit: ``trafilatura.bare_extraction(html, with_metadata=True)`` of every page
   read from disk, in a process pool over all cores;
2. ``sinorus run`` end to end against the corpus served on 127.0.0.1 (one port per
   outlet, ``--latency-ms`` before each response), into a fresh warehouse; peak resident
   memory of its whole process tree (main, pool children, Prefect's server) sampled
   with psutil every 0.2 s;
3. ``sinorus run`` again with nothing changed;
4. peers, each in its own virtualenv (``--peer-venvs``), fetching and extracting the same
   URLs (the first ``--peers-limit`` of them) itself: see ``bench/e2e_peers.py``.

Pages per second are pages handled divided by wall-clock seconds; CPU seconds (the
processes' user + system time) are printed beside them because the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.corpus import CORPUS_VERSION, OUTLETS, generate, read_pages  # noqa: E402
from bench.corpus_server import max_in_flight, read_log  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## End to end: sinorus against the extraction limit and peers"
PEERS: dict[str, list[str]] = {
    # newspaper4k needs its extras for Chinese (jieba), Japanese and Arabic (nltk).
    "newspaper4k": ["newspaper4k[zh,ja,nlp]==0.9.6"],
    "news-please": ["news-please==1.6.16", "newspaper4k[zh,ja,nlp]==0.9.6"],
    # fundus 0.5.7 imports a helper that later curl_cffi releases no longer have.
    "fundus": ["fundus==0.5.7", "curl_cffi==0.13.0"],
}


@dataclass
class Step:
    """One row of the result table."""

    name: str
    pages: int = 0
    seconds: float = 0.0
    cpu_s: float | None = None
    peak_rss: int | None = None
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------- (1) the extraction limit

def _extract_file(path: str) -> int:
    from trafilatura import bare_extraction

    with open(path, "rb") as fh:
        doc = bare_extraction(fh.read(), with_metadata=True)
    return 1 if doc is not None and doc.text else 0


def measure_limit(corpus: Path, files: list[str], processes: int) -> Step:
    """Plain trafilatura with metadata over every page on disk, all cores."""
    paths = [str(corpus / f) for f in files]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with get_context("fork").Pool(processes) as pool:
        extracted = sum(pool.imap_unordered(_extract_file, paths, chunksize=8))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Step("limit: trafilatura `bare_extraction(html, with_metadata=True)`, from disk",
                len(paths), seconds, cpu,
                note=f"{processes} processes; {extracted} pages with text")


# ---------------------------------------------------------------- the corpus server

class Server:
    """``bench/corpus.py serve`` in a child process (its CPU is not the pipeline's)."""

    def __init__(self, corpus: Path, latency_ms: float, log: Path) -> None:
        self.ready = log.with_suffix(".ready.json")
        self.ready.unlink(missing_ok=True)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "corpus.py"), "serve", str(corpus),
             "--latency-ms", str(latency_ms), "--log", str(log), "--ready-file",
             str(self.ready)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the corpus server did not start")
            time.sleep(0.1)
        self.base_urls: dict[str, str] = json.loads(self.ready.read_text("utf-8"))

    def cpu_s(self) -> float:
        """CPU-seconds the server has spent so far: on a real site that is not ours."""
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# ---------------------------------------------------------------- (2), (3) sinorus run

def write_config(path: Path, base_urls: dict[str, str], pages: int, concurrency: int,
                 delay_s: float) -> None:
    """The sources.toml of the benchmark; every choice is explained in docs/benchmarks.md."""
    lines = [
        "# Written by bench/e2e.py for the generated corpus on 127.0.0.1.",
        "[warehouse]",
        f"path = {json.dumps(str(path.parent / 'run' / 'warehouse.duckdb'))}",
        "",
        "[fetch]",
        'user_agent = "sinorus-bench/0.1 (+https://github.com/sinorus/sinorus)"',
        f"per_host_concurrency = {concurrency}",
        f"per_host_delay_s = {delay_s}",
        "timeout_s = 30",
        f"max_pages_per_source = {pages}",  # every page in one run
        "run_budget_s = 14400",
        'allowed_private_networks = ["127.0.0.1/32"]',
    ]
    for outlet in OUTLETS:
        lines += ["", "[[sources]]", f'name = "{outlet.slug}"', 'kind = "sitemap"',
                  f'url = "{base_urls[outlet.slug]}/sitemap_index.xml"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class TreeMonitor(threading.Thread):
    """Peak summed RSS and PSS of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak = 0
        self.peak_main = 0
        self.peak_pss = 0
        self.peak_pss_by_role: dict[str, int] = {}  # where the tree's PSS peak was
        self.peak_pss_at = 0.0  # seconds after the start
        self._began = time.perf_counter()
        self.most_processes = 0
        self.loads: list[float] = []  # 1-minute load average: how shared the machine was
        self._cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, CPU-s at last sample)
        self._done = threading.Event()

    def _role(self, proc: psutil.Process) -> str:
        if proc.pid == self.root.pid:
            return "flow process"
        cmdline = " ".join(proc.cmdline())
        if "forkserver" in cmdline:  # the server and the workers it forked share a cmdline
            parent = proc.parent()
            forked = parent is not None and "forkserver" in " ".join(parent.cmdline())
            return "pool workers" if forked else "forkserver"
        if "prefect" in cmdline and "server" in cmdline:
            return "Prefect server"
        return "pool workers" if "multiprocessing" in cmdline else "other"

    @property
    def cpu_by_role(self) -> dict[str, float]:
        """CPU-seconds per kind of process, as last sampled (a process that ended loses
        at most its last 0.2 s)."""
        out: dict[str, float] = {}
        for role, seconds in self._cpu.values():
            out[role] = out.get(role, 0.0) + seconds
        return out

    def run(self) -> None:
        while not self._done.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            total = total_pss = 0
            by_role: dict[str, int] = {}
            for proc in procs:
                try:
                    # PSS splits each shared page among the processes that map it, so the
                    # tree's sum counts memory once (psutil reads smaps_rollup).
                    memory = proc.memory_full_info()
                    rss, pss = memory.rss, memory.pss
                    times = proc.cpu_times()
                    role = self._cpu[proc.pid][0] if proc.pid in self._cpu else self._role(proc)
                except psutil.Error:
                    continue
                self._cpu[proc.pid] = (role, times.user + times.system)
                total += rss
                total_pss += pss
                by_role[role] = by_role.get(role, 0) + pss
                if proc.pid == self.root.pid:
                    self.peak_main = max(self.peak_main, rss)
            self.peak = max(self.peak, total)
            if total_pss > self.peak_pss:
                self.peak_pss, self.peak_pss_by_role = total_pss, by_role
                self.peak_pss_at = time.perf_counter() - self._began
            self.most_processes = max(self.most_processes, len(procs))
            self.loads.append(os.getloadavg()[0])
            self._done.wait(0.2)

    def stop(self) -> None:
        self._done.set()
        self.join()


class PrefectServer:
    """``prefect server start`` on loopback with its own home, started before the runs: a
    nightly deployment watched in the UI runs against a server that is always up, so its
    start-up (≈ 15 CPU-seconds of imports and migrations) is not part of a run."""

    def __init__(self, home: Path) -> None:
        import socket

        import httpx

        home.mkdir(parents=True, exist_ok=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        self._log = (home / "server.log").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)], env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not start, see {home / 'server.log'}")
            time.sleep(0.5)

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(30)
        self._log.close()


def run_sinorus(config: Path, db: Path, log_to: Path, name: str,
                api_url: str | None = None) -> Step:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    started = time.perf_counter()
    with log_to.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "run", "--config", str(config), "--db", str(db)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        monitor = TreeMonitor(process.pid)
        monitor.start()
        code = process.wait()
        monitor.stop()
    seconds = time.perf_counter() - started
    # The pool's workers are the forkserver's children, not the run's: RUSAGE_CHILDREN
    # misses them when the forkserver outlives them, so the CPU is the sampled tree's.
    cpu = sum(monitor.cpu_by_role.values())
    step = Step(name, 0, seconds, cpu, monitor.peak,
                extra={"exit": code, "start": time.time() - seconds, "end": time.time(),
                       "peak_main": monitor.peak_main, "peak_pss": monitor.peak_pss,
                       "peak_pss_by_role": monitor.peak_pss_by_role,
                       "peak_pss_at": monitor.peak_pss_at,
                       "processes": monitor.most_processes,
                       "cpu_by_role": monitor.cpu_by_role,
                       "load": sum(monitor.loads) / max(1, len(monitor.loads))})
    if code != 0:
        step.note = f"exit code {code}, see {log_to}"
    return step


def warehouse_counts(db: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        runs = con.execute("SELECT run_id, fetched FROM runs ORDER BY started_at").fetchall()
    return {"articles": articles, "fetched_last_run": runs[-1][1] if runs else 0}


def _is_page(row: tuple[str, str, int, int, float, float]) -> bool:
    return row[2] == 200 and row[1].endswith((".html", "/")) and row[1] != "/"


def page_requests(log: Path, since: float, until: float) -> tuple[int, dict[str, int]]:
    """Article GETs answered 200 in the window, and the peak of requests in flight per host."""
    rows = [r for r in read_log(log) if since <= r[4] <= until]
    gets = [r for r in read_log(log, "GET") if since <= r[4] <= until]
    return sum(1 for r in gets if _is_page(r)), max_in_flight(rows)


def fetch_span(log: Path, since: float, until: float) -> tuple[float, float] | None:
    """Seconds from the window's start to its first page request and to its last answer."""
    pages = [r for r in read_log(log, "GET") if since <= r[4] <= until and _is_page(r)]
    if not pages:
        return None
    return min(r[4] for r in pages) - since, max(r[5] for r in pages) - since


# ---------------------------------------------------------------- (4) peers

def setup_peers(venvs: Path) -> None:
    """A virtualenv per peer under ``venvs``, installed with pip from the package index."""
    venvs.mkdir(parents=True, exist_ok=True)
    for peer, specs in PEERS.items():
        target = venvs / peer
        if not (target / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        print(f"installing {peer}: {' '.join(specs)}", flush=True)
        result = subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "-q",
                                 *specs], capture_output=True, text=True)
        status = "ok" if result.returncode == 0 else f"failed:\n{result.stderr[-2000:]}"
        print(f"  {peer}: {status}", flush=True)


def run_peer(peer: str, venvs: Path, urls: list[str], base_urls: dict[str, str],
             workdir: Path, log: Path, timeout_s: float) -> Step:
    python = venvs / peer / "bin" / "python"
    step = Step(peer)
    if not python.exists():
        step.note = f"not installed ({python} missing; run with --setup-peers)"
        return step
    url_file, out = workdir / f"peer-{peer}.urls", workdir / f"peer-{peer}.json"
    url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    out.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    try:
        result = subprocess.run(
            [str(python), str(ROOT / "bench" / "e2e_peers.py"), peer, "--urls", str(url_file),
             "--sitemaps", json.dumps(base_urls), "--out", str(out)],
            capture_output=True, text=True, timeout=timeout_s,
            env={**os.environ, "PYTHONPATH": ""})
    except subprocess.TimeoutExpired:
        step.note = f"did not finish within {timeout_s:.0f} s"
        return step
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or not out.exists():
        step.note = f"failed: {result.stderr.strip().splitlines()[-1:]}"
        return step
    summary = json.loads(out.read_text("utf-8"))
    time.sleep(1.5)  # the server flushes its log every second
    fetched, peaks = page_requests(log, started, time.time())
    requests = sum(1 for r in read_log(log) if started <= r[4])
    step.pages, step.seconds = summary["returned"], summary["seconds"]
    step.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    step.note = (f"{summary['with_text']}/{len(urls)} pages with ≥ 500 chars of text; "
                 f"{fetched:,} article GETs, {requests:,} requests in all; "
                 f"most in flight per host {max(peaks.values(), default=0)}")
    if summary["errors"]:
        step.note += f"; {summary['errors']} errors, e.g. {summary['first_errors'][0][:80]}"
    return step


# ---------------------------------------------------------------- the report

def _mb(n: int | None) -> str:
    return f"{n / 2**20:,.0f} MB" if n else "—"


def render_table(steps: list[Step]) -> str:
    rows = ["| step | pages | seconds | pages/s | CPU s | pages per CPU s | peak RSS | notes |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for s in steps:
        pps = f"**{s.pages_per_s:,.1f}**" if s.pages else "—"
        cpu = f"{s.cpu_s:,.0f}" if s.cpu_s is not None else "—"
        per_cpu = f"{s.pages / s.cpu_s:,.1f}" if s.pages and s.cpu_s else "—"
        rows.append(f"| {s.name} | {s.pages:,} | {s.seconds:,.1f} | {pps} | {cpu} | {per_cpu} | "
                    f"{_mb(s.peak_rss)} | {s.note} |")
    return "\n".join(rows)


def render_report(args: argparse.Namespace, steps: list[Step], limit: Step, first: Step,
                  rerun: Step, peers: list[Step], load: tuple[float, float],
                  command: str) -> str:
    ratio = first.pages_per_s / limit.pages_per_s if limit.pages_per_s else 0.0
    cpu_ratio = ((first.pages / first.cpu_s) / (limit.pages / limit.cpu_s)
                 if first.cpu_s and limit.cpu_s and first.pages else 0.0)
    rerun_share = rerun.seconds / first.seconds if first.seconds else 0.0
    factors = [f"{p.name.removeprefix('peer: ')} ×{first.pages_per_s / p.pages_per_s:,.2f}"
               for p in peers if p.pages and p.pages_per_s]
    lines = [
        f"N = {args.pages:,} pages, latency {args.latency_ms:g} ms, "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average "
        f"{load[0]:.1f} before, {first.extra.get('load', 0):.1f} on average during the first "
        f"run, {load[1]:.1f} after (the 1-minute load average counts the run's own "
        f"processes, ≈ 3–4 while it runs on 2 cores; 'before' says how shared the machine was).",
        "", "```", command, "```", "", render_table(steps), "",
        ("- Prefect: a `prefect server start` on loopback, started before the runs (as a "
         "deployment's server is always up; its CPU is not in the runs')"
         if args.prefect_server else
         "- Prefect: its temporary server, started by each run (inside the run's time and CPU)"),
        (f"- e2e / limit: **{ratio:.2f}** in pages per wall-clock second (target ≥ 0.8 at "
         f"N=10,000, 50 ms); {cpu_ratio:.2f} in pages per CPU second, which a busy machine "
         "disturbs less") if limit.pages else "- e2e / limit: not measured (--skip-limit)",
        f"- rerun / first run (time): **{rerun_share:.1%}** (target < 5 %)",
        f"- peak RSS of the first run, whole process tree: **{_mb(first.peak_rss)}** "
        f"(main process alone {_mb(first.extra.get('peak_main'))}; at most "
        f"{first.extra.get('processes')} processes); summed PSS, shared pages counted once: "
        f"**{_mb(first.extra.get('peak_pss'))}** at +{first.extra.get('peak_pss_at', 0):.0f} s ("
        + ", ".join(f"{role} {_mb(b)}" for role, b in sorted(
            first.extra.get("peak_pss_by_role", {}).items(), key=lambda kv: -kv[1])) + ")",
        "- CPU-seconds of the first run by process: " + ", ".join(
            f"{role} {seconds:,.0f}" for role, seconds in sorted(
                first.extra.get("cpu_by_role", {}).items(), key=lambda kv: -kv[1]))
        + f"; the corpus server (not in the run's CPU) {first.extra.get('server_cpu', 0):,.0f}",
        (f"- sinorus's pages/s over each peer's: {', '.join(factors) or '—'} (above 1 = "
         f"sinorus faster; peers ran on the first {min(args.peers_limit, args.pages):,} pages)"
         ) if peers else "- peers: not run (--skip-peers)",
    ]
    return "\n".join(lines)


def write_docs(block: str, pages: int, latency_ms: float, mode: str = "") -> None:
    key = f"e2e N={pages} latency={latency_ms:g}{mode}"
    begin, end = f"<!-- {key} begin -->", f"<!-- {key} end -->"
    text = DOCS.read_text("utf-8")
    new = f"{begin}\n{block}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + new + rest.split(end, 1)[1]
    elif SECTION in text:  # at the end of the section, before the next one
        head, rest = text.split(SECTION, 1)
        cut = rest.find("\n## ")
        cut = len(rest) if cut < 0 else cut
        text = head + SECTION + rest[:cut].rstrip("\n") + f"\n\n{new}\n" + rest[cut:]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{new}\n"
    DOCS.write_text(text, "utf-8")


# ---------------------------------------------------------------- main

def ensure_corpus(corpus: Path, pages: int, seed: int) -> None:
    manifest = corpus / "manifest.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text("utf-8"))
        if (meta.get("pages"), meta.get("seed"), meta.get("version")) == (
                pages, seed, CORPUS_VERSION):
            return
        shutil.rmtree(corpus)
    started = time.perf_counter()
    generate(corpus, pages, seed)
    print(f"corpus: {pages:,} pages generated in {time.perf_counter() - started:.0f} s",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="default /tmp/sinorus-e2e/N<pages>-s<seed>")
    parser.add_argument("--per-host-concurrency", type=int, default=2)
    parser.add_argument("--per-host-delay-s", type=float, default=0.05)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="processes for the limit (default: all cores)")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-limit", action="store_true",
                        help="only the runs (for memory at large N)")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated")
    parser.add_argument("--peers-limit", type=int, default=2000,
                        help="peers handle the first N pages of the same URL list")
    parser.add_argument("--peer-timeout-s", type=float, default=3600)
    parser.add_argument("--peer-venvs", type=Path, default=Path("/work/bench-venvs"))
    parser.add_argument("--setup-peers", action="store_true",
                        help="create the peers' virtualenvs and exit")
    parser.add_argument("--prefect-server", action="store_true",
                        help="run against a Prefect server started beforehand (as a "
                             "deployment does) instead of Prefect's temporary one per run")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    if args.setup_peers:
        setup_peers(args.peer_venvs)
        return
    command = "PYTHONPATH=. python bench/e2e.py " + " ".join(sys.argv[1:])
    workdir = args.workdir or Path(f"/tmp/sinorus-e2e/N{args.pages}-s{args.seed}")
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus"
    load_before = os.getloadavg()[0]
    ensure_corpus(corpus, args.pages, args.seed)
    rows = read_pages(corpus)

    if args.skip_limit:  # memory-only runs at large N
        limit = Step("limit: skipped (--skip-limit)")
    else:
        limit = measure_limit(corpus, [str(r["file"]) for r in rows], args.processes)
        print(f"limit: {limit.pages_per_s:.1f} pages/s", flush=True)

    log = workdir / "requests.tsv"
    log.unlink(missing_ok=True)
    server = Server(corpus, args.latency_ms, log)
    prefect = PrefectServer(workdir / "prefect-home") if args.prefect_server else None
    api_url = prefect.url if prefect else None
    steps = [limit] if limit.pages else []
    peers: list[Step] = []
    try:
        config = workdir / "sources.toml"
        write_config(config, server.base_urls, args.pages, args.per_host_concurrency,
                     args.per_host_delay_s)
        shutil.rmtree(workdir / "run", ignore_errors=True)
        db = workdir / "run" / "warehouse.duckdb"
        server_cpu = server.cpu_s()
        first = run_sinorus(config, db, workdir / "run1.log", "`sinorus run`, fresh warehouse",
                            api_url)
        first.extra["server_cpu"] = server.cpu_s() - server_cpu
        time.sleep(1.5)  # the server flushes its log every second
        counts = warehouse_counts(db) if db.exists() else {"articles": 0}
        fetched, peaks = page_requests(log, first.extra["start"], first.extra["end"])
        first.pages = counts["articles"]
        first.note = (f"{counts['articles']:,} articles in the warehouse; {fetched:,} article "
                      f"GETs; most in flight per host {max(peaks.values(), default=0)} "
                      f"({args.per_host_concurrency} allowed, {args.per_host_delay_s:g} s "
                      f"between starts) {first.note}").strip()
        span = fetch_span(log, first.extra["start"], first.extra["end"])
        if span:
            first.note += f"; pages fetched from +{span[0]:.0f} s to +{span[1]:.0f} s"
        print(f"first run: {first.seconds:.1f} s, {first.pages_per_s:.1f} pages/s", flush=True)
        rerun = run_sinorus(config, db, workdir / "run2.log",
                            "`sinorus run` again, nothing changed", api_url)
        time.sleep(1.5)
        fetched_again, _ = page_requests(log, rerun.extra["start"], rerun.extra["end"])
        after = warehouse_counts(db) if db.exists() else {"articles": 0}
        rerun.pages = len(rows)  # pages it had to settle (all known, none refetched)
        rerun.note = (f"{fetched_again:,} article GETs; {after['articles']:,} articles "
                      f"after {rerun.note}").strip()
        print(f"rerun: {rerun.seconds:.1f} s", flush=True)
        steps += [first, rerun]
        if not args.skip_peers:
            prefix = rows[:args.peers_limit]
            urls = [server.base_urls[str(r["outlet"])] + str(r["path"]) for r in prefix]
            for peer in [p for p in args.peers.split(",") if p]:
                step = run_peer(peer, args.peer_venvs, urls, server.base_urls, workdir, log,
                                args.peer_timeout_s)
                step.name = f"peer: {peer}" + (f" (first {len(urls):,} pages)"
                                                if len(urls) < len(rows) else "")
                print(f"{peer}: {step.pages_per_s:.1f} pages/s {step.note}", flush=True)
                peers.append(step)
            steps += peers
    finally:
        server.stop()
        if prefect:
            prefect.stop()
    report = render_report(args, steps, limit, first, rerun, peers,
                           (load_before, os.getloadavg()[0]), command)
    print(report)
    (workdir / "report.md").write_text(report + "\n", "utf-8")
    if args.write_docs:
        write_docs(report, args.pages, args.latency_ms,
                   " prefect-server" if args.prefect_server else "")


if __name__ == "__main__":
    main()
