"""Host-sharded fetching: the hash, the shard spec, the handoff, and two shards at once.

The end-to-end test runs two real ``sinorus run --shard i/2`` processes at the same time
against a loopback site of several hosts (several ports of 127.0.0.1: politeness and
shards key on host and port) whose own request log is the evidence.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ingest.config import parse_config
from ingest.discover import Candidate
from ingest.handoff import HandedOver, read_inbox, write_handoff
from ingest.shards import ShardSpec, ShardSpecError, parse_shard, shard_host, shard_of
from tests.warehouse_fixtures import rows

ROOT = Path(__file__).resolve().parents[1]
SHARDS = 2
PAGES_PER_HOST = 6
PAGE_SECONDS = 0.3  # each host is busy ≈ 2 s: two runs on one host would overlap


# --- the hash and the spec ---------------------------------------------------------------

def test_shard_of_is_the_same_in_processes_with_different_hash_seeds() -> None:
    hosts = [f"news{i}.example:{8000 + i}" for i in range(50)] + ["example.com", "xn--p1ai"]
    code = ("import json, sys; from ingest.shards import shard_of; "
            "print(json.dumps([shard_of(h, 7) for h in json.loads(sys.argv[1])]))")
    answers = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code, json.dumps(hosts)], env=env,
                             capture_output=True, text=True, check=True, timeout=120)
        answers.append(json.loads(out.stdout))
    assert answers[0] == answers[1] == [shard_of(h, 7) for h in hosts]


def test_shard_of_spreads_hosts_evenly_and_ignores_case() -> None:
    hosts = [f"outlet-{i}.example" for i in range(4000)]
    counts = Counter(shard_of(h, 4) for h in hosts)
    assert set(counts) == {0, 1, 2, 3}
    assert all(800 <= n <= 1200 for n in counts.values()), counts
    assert all(shard_of(h.upper(), 4) == shard_of(h, 4) for h in hosts[:100])
    assert {shard_of(h, 1) for h in hosts} == {0}
    with pytest.raises(ValueError):
        shard_of("example.com", 0)


def test_urls_politeness_treats_as_one_host_share_a_shard() -> None:
    assert shard_host("http://Example.COM/a") == shard_host("https://example.com:443/b")
    assert shard_host("http://example.com:80/") == "example.com"
    assert shard_host("http://127.0.0.1:8001/x") == "127.0.0.1:8001"
    assert shard_host("http://127.0.0.1:8001/x") != shard_host("http://127.0.0.1:8002/x")
    spec = ShardSpec(0, 5)
    assert spec.owner("http://a.example/1") == spec.owner("https://A.example/2")


@pytest.mark.parametrize(("text", "expected"), [("0/2", ShardSpec(0, 2)),
                                                 (" 1 / 3 ", ShardSpec(1, 3)),
                                                 ("0/1", ShardSpec(0, 1))])
def test_shard_specs_parse(text: str, expected: ShardSpec) -> None:
    assert parse_shard(text) == expected
    assert str(parse_shard(str(expected))) == str(expected)


@pytest.mark.parametrize(("text", "message"), [
    ("2/2", "index must be 0 to 1"), ("0/0", "number of shards"), ("-1/2", "i/n"),
    ("1", "i/n"), ("a/b", "i/n"), ("0/5000", "number of shards"), ("", "i/n")])
def test_bad_shard_specs_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(ShardSpecError, match=message):
        parse_shard(text)


def test_the_cli_refuses_a_bad_shard_with_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--shard", "3/2"],
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "--shard" in proc.stderr and "index must be 0 to 1" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- the handoff files ----------------------------------------------------------------------

def test_handoff_reaches_the_owning_shard_once_and_is_settled(tmp_path: Path) -> None:
    urls = [f"http://host{i}.example/a/{i}" for i in range(40)]
    sender = ShardSpec(0, 3)
    items = [HandedOver(Candidate(u, "aggregator", f"title {u}", "2025-01-01T00:00:00Z"),
                        "ru") for u in urls]
    sent = write_handoff(tmp_path, sender, "20250101T000000Z-abc", items)
    assert sum(sent.values()) == len(urls)
    write_handoff(tmp_path, sender, "20250102T000000Z-def", items[:5])  # a repeat
    received: list[str] = []
    for index in range(3):
        inbox = read_inbox(tmp_path, ShardSpec(index, 3))
        assert all(ShardSpec(index, 3).owns(i.candidate.url) for i in inbox.items)
        assert all(i.source_language == "ru" and i.candidate.source == "aggregator"
                   and i.candidate.title == f"title {i.candidate.url}" for i in inbox.items)
        received += [i.candidate.url for i in inbox.items]
        inbox.settle()
        assert read_inbox(tmp_path, ShardSpec(index, 3)).items == []
    assert sorted(received) == sorted(urls)


def test_an_unreadable_handoff_file_is_skipped_and_kept(tmp_path: Path) -> None:
    spec = ShardSpec(1, 2)
    inbox_dir = tmp_path / "shard-1"
    inbox_dir.mkdir()
    (inbox_dir / "broken.json").write_text("{not json", encoding="utf-8")
    inbox = read_inbox(tmp_path, spec)
    assert inbox.items == [] and inbox.files == []
    inbox.settle()
    assert (inbox_dir / "broken.json").exists()


def test_handoff_dir_defaults_to_the_data_dir_and_resolves_against_the_config(
        tmp_path: Path) -> None:
    default = parse_config('[warehouse]\npath = "data/w.duckdb"\n', base_dir=tmp_path)
    assert default.handoff_dir == tmp_path / "data" / "handoff"
    shared = parse_config('[fetch]\nhandoff_dir = "shared/handoff"\n', base_dir=tmp_path)
    assert shared.handoff_dir == tmp_path / "shared" / "handoff"


# --- two shards at once against a loopback site -------------------------------------------

@dataclass
class Request:
    host: str  # 127.0.0.1:port
    path: str
    agent: str
    start: float
    end: float


class LoopbackSite:
    """Several hosts (ports on 127.0.0.1), each with a feed of its own pages; the first
    host also serves an aggregator feed listing one page on every host."""

    def __init__(self) -> None:
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self.servers: list[ThreadingHTTPServer] = []

    def start_host(self) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                start = time.monotonic()
                body, ctype = site.respond(self.headers["Host"], self.path)
                if self.path.endswith(".html"):
                    time.sleep(PAGE_SECONDS)
                # Logged before the answer goes out: the client cannot start its next
                # request to this host before this one's end is on record.
                with site._lock:
                    site.log.append(Request(self.headers["Host"], self.path,
                                            self.headers.get("User-Agent", ""), start,
                                            time.monotonic()))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        return f"127.0.0.1:{server.server_address[1]}"

    @property
    def hosts(self) -> list[str]:
        return [f"127.0.0.1:{s.server_address[1]}" for s in self.servers]

    def pages(self) -> list[str]:
        """Every article URL of the site."""
        out = []
        for host in self.hosts:
            out += [f"http://{host}/a/{k}.html" for k in range(PAGES_PER_HOST)]
            out.append(f"http://{host}/b/agg.html")
        return out

    def respond(self, host: str, path: str) -> tuple[bytes | None, str]:
        if path == "/feed.xml":
            return _rss([f"http://{host}/a/{k}.html" for k in range(PAGES_PER_HOST)]), \
                "application/rss+xml"
        if path == "/agg.xml" and host == self.hosts[0]:
            return _rss([f"http://{h}/b/agg.html" for h in self.hosts]), "application/rss+xml"
        if path.startswith(("/a/", "/b/")) and path.endswith(".html"):
            return _article(f"http://{host}{path}"), "text/html; charset=utf-8"
        return None, "text/plain"

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def _rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Item {i}</title><link>{u}</link>"
                    f"<pubDate>Mon, 06 Jan 2025 0{i % 10}:00:00 GMT</pubDate></item>"
                    for i, u in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://127.0.0.1/</link>{items}</channel></rss>").encode()


_WORDS = ["harbour", "council", "river", "budget", "railway", "grain", "archive", "orchestra",
          "festival", "winter", "bridge", "museum", "tariff", "school", "clinic", "ferry",
          "market", "ministry", "weather", "station", "forest", "theatre", "library",
          "factory", "village", "coast", "summit", "envoy", "treaty", "pipeline"]


def _article(url: str) -> bytes:
    rng = random.Random(url)  # distinct, reproducible text per page

    def sentence() -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(14)).capitalize() + "."

    paragraphs = "".join(f"<p>{' '.join(sentence() for _ in range(4))}</p>" for _ in range(4))
    title = " ".join(rng.choice(_WORDS) for _ in range(6)).capitalize()
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<link rel='canonical' href='{url}'></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>").encode()


@pytest.fixture()
def site() -> Iterator[LoopbackSite]:
    """Hosts added until every shard owns at least two of them (ports are random)."""
    site = LoopbackSite()
    try:
        while True:
            site.start_host()
            owners = Counter(shard_of(shard_host(f"http://{h}/"), SHARDS) for h in site.hosts)
            if len(owners) == SHARDS and min(owners.values()) >= 2:
                break
            assert len(site.hosts) < 40, "could not spread hosts over the shards"
        yield site
    finally:
        site.close()


def _shard_config(root: Path, site: LoopbackSite, index: int) -> Path:
    """Shard ``index``'s configuration: its own warehouse, the shared handoff directory."""
    lines = [
        "[warehouse]", f'path = "{root / f"shard{index}" / "w.duckdb"}"', "",
        "[fetch]", f'user_agent = "sinorus-shard{index}/0.1 (+https://example.invalid/bot)"',
        "per_host_delay_s = 0.0", "per_host_concurrency = 1", "timeout_s = 20",
        "refetch_days = 0", 'allowed_private_networks = ["127.0.0.1/32"]',
        f'handoff_dir = "{root / "handoff"}"', "",
        "[extract]", "workers = 1", "",
        "[[sources]]", 'name = "aggregator"', 'kind = "rss"',
        f'url = "http://{site.hosts[0]}/agg.xml"', 'language = "en"',
    ]
    for host in site.hosts:
        lines += ["", "[[sources]]", f'name = "site-{host.rsplit(":", 1)[1]}"',
                  'kind = "rss"', f'url = "http://{host}/feed.xml"', 'language = "en"']
    path = root / f"shard{index}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run_shards_at_once(configs: list[Path], env: dict[str, str]) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--config",
                               str(config), "--shard", f"{i}/{SHARDS}"],
                              env=env, cwd=config.parent, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for i, config in enumerate(configs)]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, out + err


@pytest.mark.slow
def test_two_shards_at_once_keep_one_request_per_host_and_fetch_every_page_once(
        tmp_path: Path, site: LoopbackSite, prefect_harness: None) -> None:
    from prefect.settings import get_current_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH=str(ROOT), PREFECT_API_URL=str(get_current_settings().api.url),
               PREFECT_HOME=str(tmp_path / "prefect-home"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    configs = [_shard_config(tmp_path, site, i) for i in range(SHARDS)]
    # The second round fetches what the first handed over to a shard already running.
    _run_shards_at_once(configs, env)
    _run_shards_at_once(configs, env)

    by_host: dict[str, list[Request]] = defaultdict(list)
    for request in site.log:
        by_host[request.host].append(request)
    for host, requests in by_host.items():
        requests.sort(key=lambda r: r.start)
        for before, after in itertools.pairwise(requests):
            assert after.start >= before.end, (
                f"{host}: {before.path} ({before.agent}) and {after.path} ({after.agent}) "
                "were in flight at once")
        agents = {r.agent.split("/")[0] for r in requests}
        owner = shard_of(shard_host(f"http://{host}/"), SHARDS)
        assert agents == {f"sinorus-shard{owner}"}, (host, agents)

    pages = Counter(f"http://{r.host}{r.path}" for r in site.log if r.path.endswith(".html"))
    assert sorted(pages) == sorted(site.pages())
    assert set(pages.values()) == {1}
    # The aggregator's shard did hand pages over: hosts of the other shard served /b/.
    aggregator_shard = shard_of(shard_host(f"http://{site.hosts[0]}/"), SHARDS)
    handed = [r for r in site.log if r.path == "/b/agg.html"
              and shard_of(shard_host(f"http://{r.host}/"), SHARDS) != aggregator_shard]
    assert handed
    assert not list((tmp_path / "handoff").rglob("*.json"))

    loaded: list[tuple[str, str]] = []
    for i in range(SHARDS):
        loaded += rows(tmp_path / f"shard{i}" / "w.duckdb", "SELECT url, source FROM articles")
    assert sorted(u for u, _ in loaded) == sorted(site.pages())
    assert {s for u, s in loaded if u.endswith("/b/agg.html")} == {"aggregator"}


def test_a_sharded_served_deployment_is_named_after_its_shard(tmp_path: Path) -> None:
    from flows.serve import build_deployment

    config_path = tmp_path / "sources.toml"
    config_path.write_text('[warehouse]\npath = "w.duckdb"\n', encoding="utf-8")
    config = parse_config(config_path.read_text(), base_dir=tmp_path, path=config_path)
    plain = build_deployment(config, config_path)
    sharded = build_deployment(config, config_path, shard=" 1/2")
    assert plain.name == "nightly-ingest" and "shard" not in plain.parameters
    assert sharded.name == "nightly-ingest-shard-1-of-2"
    assert sharded.parameters == {"config_path": str(config_path.resolve()), "shard": "1/2"}
    with pytest.raises(ShardSpecError):
        build_deployment(config, config_path, shard="2/2")


def test_handed_over_pages_left_unsettled_go_back_to_their_shards_inbox(
        tmp_path: Path, site: LoopbackSite) -> None:
    import asyncio
    import socket

    from flows.nightly import outgoing_handoff
    from ingest.config import FetchSettings, Source
    from ingest.fetch import Fetcher
    from ingest.harvest import harvest

    with socket.socket() as probe:  # a port nobody listens on: a transient failure
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/a/0.html"
    reachable = f"http://{site.hosts[0]}/a/0.html"
    handed = [Candidate(reachable, "aggregator"), Candidate(closed, "aggregator")]
    settings = FetchSettings(per_host_delay_s=0.0, max_retries=0, timeout_s=5,
                             allowed_private_networks=("127.0.0.1/32",))

    async def run() -> Any:
        async with Fetcher(settings) as fetcher:
            return await harvest(Source("aggregator", "rss", reachable), fetcher,
                                 lambda url: False, 100, handed=handed)

    result = asyncio.run(run())
    assert result.from_handoff and [r.ok for _, r in result.pages] == [True, False]
    back = outgoing_handoff([result])
    assert [i.candidate.url for i in back] == [closed]
    spec = ShardSpec(0, 2)
    write_handoff(tmp_path, spec, "20250101T000000Z-abc", back)
    owner = ShardSpec(spec.owner(closed), 2)
    assert [i.candidate.url for i in read_inbox(tmp_path, owner).items] == [closed]
