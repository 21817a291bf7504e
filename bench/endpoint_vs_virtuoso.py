#!/usr/bin/env python3
"""Our SPARQL endpoint against OpenLink Virtuoso 7.2: same generated data, same queries, same run, same machine.

    .venv/bin/python bench/endpoint_vs_virtuoso.py [--sizes 100k 1M] [--clients 1 8] [--duration 15] [--repeat 2]
                                                   [--server-args "--flag value ..."]

The shared README gives Virtuoso's figures from another run on another day; on a shared 2-core machine only figures
taken side by side compare. So one command does everything, on a fresh machine too:

 0. installs what is missing: aiohttp and psutil into this interpreter's environment (pip), Virtuoso from Debian
    (apt-get, as root) with service start-up blocked, so the package's own instance never listens anywhere;
 per size:
 1. the data from the shared gen_data.py (seed 42), cached in bench/.cache/ (endpoint_baseline.ensure_data);
 2. Virtuoso: a fresh instance on free loopback ports (the shared peers/virtuoso_instance.sh), bulk-loaded with
    peers/virtuoso_load.sh; the loader's status and triple count are checked, then `load.py --verify` on /sparql;
 3. ours: the same file loaded into a fresh store, and one `kemensos-kg serve` per variant: default flags ("cache
    on") and `--cache-mb 0` ("cache off") when serve has that flag, since a result cache turns this fixed, repeating
    mix into cache hits. Each variant is started alone and timed: process start to /healthz, to the first correct
    answer (cold start), and, when /healthz reports "in_memory", to every worker serving from memory (waited for:
    until then the workers read the on-disk store). Then `load.py --verify`;
 4. --repeat rounds: the shared raw_oxigraph.py on an in-memory store with the servers idle (the lower bound of any
    pyoxigraph endpoint), then for each client count, for each server in an order that rotates from one client
    count and round to the next: a warm-up, then `load.py -c N -d DURATION`, which checks every answer's row count;
    around each measured run the "foreign" CPU (other programs' cores: the noise of a shared machine);
 5. memory: PSS per process and in total (psutil memory_full_info) of each server's process tree, all still running;
 6. stops every server, deletes Virtuoso's database directory and our store.
Then it prints a markdown table and appends JSON lines to bench/results/endpoint-vs-virtuoso.jsonl.

All servers of a size run at once, each idle while another is measured, so that noise falls on all of them alike.
Ratios (ours / Virtuoso, ours / raw) are paired by round, then the median is taken. raw_oxigraph.py measures 1 and 2
closed-loop threads: 1 client is compared with 1 thread, more clients with 2 (the machine's cores).
Exit status: 0 when every check passed, 1 when an answer was wrong or a request failed, 2 on setup errors.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results" / "endpoint-vs-virtuoso.jsonl"
POLICY_RC = Path("/usr/sbin/policy-rc.d")
VIRTUOSO_PACKAGE = "virtuoso-opensource"
IN_MEMORY_STABLE_S = 1.0  # /healthz must say in_memory for this long: each poll may reach another worker


def die(msg: str, code: int = 2) -> None:
    print(f"endpoint_vs_virtuoso: {msg}", file=sys.stderr)
    raise SystemExit(code)


def ensure_python_packages() -> None:
    """load.py runs in this interpreter and needs aiohttp; the measurements need psutil; endpoint_baseline, imported
    next, refuses to load without them. So install them here first, into this interpreter's environment."""
    missing = [m for m in ("aiohttp", "psutil") if importlib.util.find_spec(m) is None]
    if not missing:
        return
    print(f"installing {' '.join(missing)} into {sys.prefix}", file=sys.stderr, flush=True)
    if subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], stdout=sys.stderr).returncode != 0:
        die(f"pip install {' '.join(missing)} failed")
    importlib.invalidate_caches()


ensure_python_packages()

import endpoint_baseline as eb  # noqa: E402
import psutil  # noqa: E402

log = eb.log


# -- installing Virtuoso --------------------------------------------------------------------------------

def ensure_virtuoso() -> str:
    """Install Virtuoso from Debian when virtuoso-t is missing, and return its version.

    The package's postinst starts a system instance listening on all interfaces (ports 1111 and 8890). A
    policy-rc.d that refuses service starts prevents that; it is written for the install only, when none exists."""
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        if os.geteuid() != 0:
            die(f"Virtuoso is not installed, and installing it needs root: apt-get install {VIRTUOSO_PACKAGE}")
        own_policy = not POLICY_RC.exists()
        if own_policy:
            POLICY_RC.write_text("#!/bin/sh\n# no service starts while endpoint_vs_virtuoso.py installs packages\nexit 101\n")
            POLICY_RC.chmod(0o755)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", VIRTUOSO_PACKAGE]):
                log("install: " + " ".join(cmd))
                if subprocess.run(cmd, env=env, stdout=sys.stderr, stdin=subprocess.DEVNULL, timeout=1800).returncode:
                    die(f"`{' '.join(cmd)}` failed")
        finally:
            if own_policy:
                POLICY_RC.unlink(missing_ok=True)
        if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
            die(f"{VIRTUOSO_PACKAGE} is installed but virtuoso-t or isql-vt is not on PATH")
    out = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, timeout=30)
    m = re.search(r"Version (\S+)", out.stdout + out.stderr)
    return m.group(1) if m else "unknown"


# -- the servers ----------------------------------------------------------------------------------------

def http_get(url: str, accept: str, timeout: float = 5.0) -> tuple[int, str, bytes]:
    """One GET without any proxy (the targets are all loopback): status, content type, body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def check_loopback_only(server: eb.ServerProcess, name: str) -> None:
    """Every listening socket of the server's processes is on a loopback address, or the run stops."""
    for _, p in server.tree():
        try:
            conns = p.net_connections(kind="inet")
        except psutil.Error:
            continue
        for c in conns:
            if c.status == psutil.CONN_LISTEN and not ipaddress.ip_address(c.laddr.ip).is_loopback:
                die(f"{name} (pid {p.pid}) listens on {c.laddr.ip}:{c.laddr.port}, not on loopback only")


class OurServer(eb.ServerProcess):
    """`kemensos-kg serve` with extra flags, timed from process start to its first correct answer and to serving
    from memory."""

    def __init__(self, exe: Path, store: Path, port: int, args: argparse.Namespace, logfile: Path,
                 extra: list[str]) -> None:
        super().__init__(exe, store, port, args, logfile)
        self.cmd += extra
        self.started = 0.0

    def start(self, wait_s: float) -> float:
        self.started = time.perf_counter()
        return super().start(wait_s)

    def first_answer(self, probe: tuple[str, str, str], rows: int, wait_s: float) -> float:
        """Seconds from process start to the first answer to `probe` with the expected row count."""
        from sparqlmix import accept_for, count_rows  # the shared kit's own parser, as load.py counts rows
        _, form, text = probe
        url = self.url + "/sparql?" + urllib.parse.urlencode({"query": text})
        deadline = time.perf_counter() + wait_s
        last = ""
        while time.perf_counter() < deadline:
            try:
                status, ctype, body = http_get(url, accept_for(form))
                if status == 200 and count_rows(form, ctype, body) == rows:
                    return time.perf_counter() - self.started
                last = f"HTTP {status}: {body[:200]!r}"
            except (urllib.error.URLError, ConnectionError, socket.timeout, ValueError) as exc:
                last = str(exc)
            time.sleep(0.05)
        die(f"no correct answer to {probe[0]} within {wait_s:.0f} s (last: {last}); log: {self.logfile}")
        return 0.0

    def wait_in_memory(self, wait_s: float) -> float | None:
        """Seconds from process start until /healthz says in_memory, for IN_MEMORY_STABLE_S without a break (each
        poll is a new connection, so the answers come from the workers in turn); None when the server has no
        in-memory mode. Not ready within wait_s is a setup error: the figures would be of the on-disk store."""
        deadline = time.perf_counter() + wait_s
        since: float | None = None
        while time.perf_counter() < deadline:
            try:
                status, _, body = http_get(self.url + "/healthz", "application/json")
                doc = json.loads(body) if status == 200 else {}
            except (urllib.error.URLError, ConnectionError, socket.timeout, ValueError):
                status, doc = 0, {}  # a worker being replaced may drop a connection
            if status == 200 and "in_memory" not in doc:
                return None
            now = time.perf_counter()
            if doc.get("in_memory") is True:
                since = now if since is None else since
                if now - since >= IN_MEMORY_STABLE_S:
                    return since - self.started
            else:
                since = None
            time.sleep(0.05)
        die(f"/healthz did not report in_memory within {wait_s:.0f} s; log: {self.logfile}")
        return None


class VirtuosoProcess(eb.ServerProcess):
    """A fresh Virtuoso instance in a directory of its own, on free loopback ports. Stopping (SIGTERM, Virtuoso's
    quick shutdown), CPU and memory accounting are ServerProcess's: they use only proc, seen, tree() and the log."""

    def __init__(self, shared: Path, root: Path, datadir: Path) -> None:
        self.shared = shared
        self.datadir = datadir  # bulk loads read only from directories the instance lists in DirsAllowed
        self.db = root / "db"  # virtuoso_instance.sh recreates this directory: nothing else of ours goes in it
        self.sql_port = eb.free_port()
        self.port = eb.free_port()
        while self.port == self.sql_port:
            self.port = eb.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = root / "virtuoso-stdout.log"
        self.cmd = ["virtuoso-t", "+foreground", "+configfile", str(self.db / "virtuoso.ini")]
        self.proc: subprocess.Popen | None = None
        self.seen: dict[int, psutil.Process] = {}

    def tree(self) -> list[tuple[str, psutil.Process]]:
        return [("virtuoso" if kind == "master" else kind, p) for kind, p in super().tree()]

    def start(self, wait_s: float) -> float:
        """Create the instance and start it in the foreground, as our child (so stop() and the accounting see it);
        return the seconds until /sparql answers."""
        eb.run_cmd(["bash", self.shared / "peers" / "virtuoso_instance.sh", self.db, self.sql_port, self.port, self.datadir],
                   timeout=60, what="virtuoso_instance.sh")
        log("start: " + " ".join(self.cmd))
        self._log = open(self.logfile, "w")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, cwd=str(self.db))
        url = self.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        deadline = t0 + wait_s
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                self._log.flush()
                errlog = self.db / "virtuoso.log"
                die(f"Virtuoso exited with status {self.proc.returncode} before it was ready; its log:\n"
                    + (errlog.read_text(errors="replace")[-3000:] if errlog.is_file() else self.logfile.read_text()))
            try:
                if http_get(url, "application/sparql-results+json", timeout=2)[0] == 200:
                    return time.perf_counter() - t0
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.1)
        self.stop()
        die(f"Virtuoso did not answer on {url} within {wait_s:.0f} s; log: {self.db / 'virtuoso.log'}")
        return 0.0

    def bulk_load(self, data: Path, triples: int) -> None:
        """virtuoso_load.sh (ld_dir + rdf_loader_run + checkpoint). isql exits 0 even when a statement fails, so the
        load list's state and error, and the graph's triple count, are read from its output."""
        out = eb.run_cmd(["bash", self.shared / "peers" / "virtuoso_load.sh", self.sql_port, data.parent, data.name],
                         timeout=7200, what="virtuoso_load.sh").stdout
        if "*** Error" in out:
            die("the Virtuoso bulk load reported an error:\n" + out[-3000:])
        m = re.search(rf"^{re.escape(str(data.resolve()))}\s+(\d+)\s+(.*?)\s*$", out, re.M)
        if not m or m.group(1) != "2" or m.group(2) != "NULL":
            die(f"Virtuoso's load list does not show {data.name} as loaded without error:\n" + out[-3000:])
        counts = re.findall(r"^\s*(\d+)\s*$", out, re.M)
        if not counts or int(counts[-1]) != triples:
            die(f"Virtuoso holds {counts[-1] if counts else 'an unknown number of'} triples after the load, "
                f"gen_data.py wrote {triples}")


class ServerSet:
    """What eb.Phase takes for "the server": every server of a size, so their CPU is not counted as foreign."""

    def __init__(self, servers: list[eb.ServerProcess]) -> None:
        self.servers = servers

    def cpu_by_kind(self) -> dict[str, float]:
        return {"servers": sum(v for s in self.servers for k, v in s.cpu_by_kind().items() if not k.startswith("_"))}


def cpu_total(server: eb.ServerProcess) -> float:
    return sum(v for k, v in server.cpu_by_kind().items() if not k.startswith("_"))


def serve_help(exe: Path) -> str:
    proc = subprocess.run([str(exe), "serve", "--help"], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        die(f"`{exe} serve --help` failed:\n{proc.stderr[-2000:]}")
    return proc.stdout


def has_flag(help_text: str, flag: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text) is not None


def variants(exe: Path, server_args: list[str]) -> list[tuple[str, list[str]]]:
    """(label, extra serve flags) of each of our servers to run. Flags serve does not list are refused here, with
    a clear message, rather than as a server that exits at start."""
    help_text = serve_help(exe)
    fixed = {"--store", "--host", "--port"}
    mirrored = {"--workers", "--threads", "--timeout"}  # options of this script too, since it needs their values
    flags = [t.split("=", 1)[0] for t in server_args if t.startswith("--")]
    for f in flags:
        if f in fixed or f in mirrored:
            die(f"--server-args: {f} is set by this script" + (f"; use this script's {f}" if f in mirrored else ""))
        if not has_flag(help_text, f):
            die(f"--server-args: `kemensos-kg serve` does not accept {f} (see `{exe} serve --help`)")
    if "--cache-mb" in flags or not has_flag(help_text, "--cache-mb"):
        return [("ours", server_args)]
    return [("ours (cache on)", server_args), ("ours (cache off)", [*server_args, "--cache-mb", "0"])]


# -- one size ---------------------------------------------------------------------------------------------

def measure(shared: Path, server: eb.ServerProcess, name: str, expected: Path, clients: int, a: argparse.Namespace,
            everything: ServerSet) -> dict:
    """A warm-up, then one measured load.py run against one server, with its CPU and the foreign CPU."""
    endpoint = server.url + "/sparql"
    warm = None
    if a.warmup > 0:
        warm = eb.run_load(shared, endpoint, expected, clients, a.warmup, a.timeout, f"warmup {name} {clients}")
    cpu0 = cpu_total(server)
    with eb.Phase(everything) as ph:
        res = eb.run_load(shared, endpoint, expected, clients, a.duration, a.timeout, f"{name} {clients}")
    res["server_cpu_s"] = round(cpu_total(server) - cpu0, 2)
    res["server_cpu_util"] = round(res["server_cpu_s"] / max(ph.wall, 1e-6), 2)
    res["foreign_cpu_cores"] = ph.foreign
    res["warmup"] = None if warm is None else {k: warm.get(k) for k in ("rps", "p99_ms", "max_ms", "errors")}
    if res["errors"]:
        log(f"ERRORS from {name} at {clients} clients: {res['error_kinds']} {res['error_samples']}")
    return res


def run_size(a: argparse.Namespace, shared: Path, size: str, common: dict, ours_variants: list[tuple[str, list[str]]]
             ) -> tuple[list[dict], dict, bool]:
    """Everything for one size, with every server and directory it made removed on the way out, whatever happens."""
    from sparqlmix import load_queries
    n = eb.parse_size(size)
    label = eb.size_label(n)
    expected = shared / "expected" / f"kg-{label}.json"
    expected_rows = json.loads(expected.read_text())
    probe = load_queries(str(shared / "queries"), ["q1"])[0]
    timings: dict[str, object] = {}
    ok = True

    t0 = time.perf_counter()
    data, triples = eb.ensure_data(shared, n, label)
    timings["generate_s"] = round(time.perf_counter() - t0, 2)

    with contextlib.ExitStack() as cleanup:
        # Virtuoso first: its bulk load is the heavier CPU user, and must be over before our cold starts are timed
        vroot = Path(tempfile.mkdtemp(prefix=f"virtuoso-{label}-", dir=eb.CACHE))
        cleanup.callback(shutil.rmtree, vroot, ignore_errors=True)
        virtuoso = VirtuosoProcess(shared, vroot, data.parent)
        cleanup.callback(virtuoso.stop)
        timings["virtuoso_start_s"] = round(virtuoso.start(120), 2)
        check_loopback_only(virtuoso, "Virtuoso")
        t0 = time.perf_counter()
        virtuoso.bulk_load(data, triples)
        timings["virtuoso_load_s"] = round(time.perf_counter() - t0, 2)
        timings["virtuoso_db_mb"] = round(sum(f.stat().st_size for f in virtuoso.db.glob("virtuoso*.db")) / 2**20, 1)
        verify = {"Virtuoso": eb.verify_endpoint(shared, virtuoso.url + "/sparql", expected, a.timeout).get("verify")}

        store = Path(tempfile.mkdtemp(prefix=f"store-{label}-", dir=eb.CACHE))
        cleanup.callback(shutil.rmtree, store, ignore_errors=True)
        t0 = time.perf_counter()
        log(eb.run_cmd([a.kemensos_kg, "load", "--store", store, data], timeout=3600, what="kemensos-kg load").stdout.strip())
        timings["ours_load_s"] = round(time.perf_counter() - t0, 2)

        servers: dict[str, eb.ServerProcess] = {}
        for name, extra in ours_variants:
            ours = OurServer(a.kemensos_kg, store, eb.free_port(), a, eb.CACHE / f"serve-{common['run_id']}-{label}-{len(servers)}.log",
                             extra)
            cleanup.callback(ours.stop)
            cold = {"healthz_s": round(ours.start(120), 2)}
            cold["first_answer_s"] = round(ours.first_answer(probe, expected_rows[probe[0]], 120), 2)
            in_memory = ours.wait_in_memory(a.in_memory_wait)
            cold["in_memory_s"] = None if in_memory is None else round(in_memory, 2)
            log(f"{name}: /healthz after {cold['healthz_s']} s, first correct answer after {cold['first_answer_s']} s, "
                f"in memory after {cold['in_memory_s']} s")
            check_loopback_only(ours, name)
            timings[name] = cold
            verify[name] = eb.verify_endpoint(shared, ours.url + "/sparql", expected, a.timeout).get("verify")
            servers[name] = ours
        servers["Virtuoso"] = virtuoso
        everything = ServerSet(list(servers.values()))

        # unmeasured: every server serves a burst with more clients than it has threads before any figure
        if a.warmup > 0:
            for name, server in servers.items():
                eb.run_load(shared, server.url + "/sparql", expected, 2 * a.workers * a.threads, a.warmup, a.timeout,
                            f"warmup-all {name}")

        runs: dict[tuple[str, int], list[dict]] = {(name, c): [] for name in servers for c in a.clients}
        raw_runs: list[dict] = []
        order = list(servers)
        turn = 0
        for rnd in range(a.repeat):
            if not a.no_raw:
                cmd = [sys.executable, shared / "raw_oxigraph.py", "--data", data, "--label", "raw-memory",
                       "--mix-seconds", str(a.duration), "--iterations", "10", "--min-seconds", "0.2"]
                with eb.Phase(everything) as ph:
                    res = eb.last_json_line(eb.run_cmd(cmd, timeout=3600, what=f"raw_oxigraph round {rnd + 1}").stdout,
                                            "raw_oxigraph")
                res.update(round=rnd + 1, wall_s=ph.wall, foreign_cpu_cores=ph.foreign)
                raw_runs.append(res)
                bad = {q: v["rows"] for q, v in res["queries"].items() if v["rows"] != expected_rows.get(q)}
                if bad:
                    ok = False
                    log(f"raw_oxigraph row counts differ from {expected.name}: {bad}")
            for c in a.clients:
                for name in order[turn % len(order):] + order[:turn % len(order)]:
                    res = measure(shared, servers[name], name, expected, c, a, everything)
                    res["round"] = rnd + 1
                    runs[(name, c)].append(res)
                    ok = ok and not res["errors"]
                turn += 1

        memory = {name: server.memory() for name, server in servers.items()}

    raw = eb.summarise_raw(raw_runs) if raw_runs else None
    rows = []
    for c in a.clients:
        vr = runs[("Virtuoso", c)]
        rr = [r.get("mix_rps_1thread" if c == 1 else "mix_rps_2threads") for r in raw_runs]
        for name, _ in ours_variants:
            our = runs[(name, c)]
            rows.append({
                "size": label, "triples": triples, "clients": c, "variant": name,
                "ours": summarise_runs(our), "virtuoso": summarise_runs(vr),
                "raw_memory_rps": eb.median(rr), "raw_memory_rps_runs": rr, "raw_threads": 1 if c == 1 else 2,
                "ours_vs_virtuoso": paired_ratio(our, [r["rps"] for r in vr]),
                "ours_vs_raw": paired_ratio(our, rr),
                "pss_mb": {"ours": memory[name]["total"]["pss_mb"], "virtuoso": memory["Virtuoso"]["total"]["pss_mb"]},
                "cold_start": timings[name],
            })
    run = {"size": label, "triples": triples, "ok": ok, "timings": timings, "verify": verify, "memory": memory,
           "raw": raw, "runs": {f"{name} | {c}": rs for (name, c), rs in runs.items()}}
    return rows, run, ok


def summarise_runs(runs: list[dict]) -> dict:
    """Median req/s over rounds; latencies of the median round (percentiles do not average)."""
    mid = sorted(runs, key=lambda r: r["rps"] or 0)[len(runs) // 2]
    return {"rps": eb.median([r["rps"] for r in runs]), "rps_runs": [r["rps"] for r in runs],
            "p50_ms": mid["p50_ms"], "p99_ms": mid["p99_ms"], "errors": sum(r["errors"] for r in runs),
            "foreign_cpu_cores_runs": [r["foreign_cpu_cores"] for r in runs],
            "server_cpu_util_runs": [r["server_cpu_util"] for r in runs], "per_query": mid["per_query"]}


def paired_ratio(ours: list[dict], other: list[float | None]) -> float | None:
    ratios = [o["rps"] / x for o, x in zip(ours, other) if x and o["rps"]]
    return eb.median(ratios) if ratios else None


# -- the report ---------------------------------------------------------------------------------------------

def num(v: float | None, nd: int = 1) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.{nd}f}"


def print_report(common: dict, rows: list[dict], runs: list[dict]) -> None:
    m = common["machine"]
    print(f"\n## kemensos-kg vs Virtuoso {common['virtuoso_version']}, {common['date']}, commit "
          f"{common['git']['commit']}{' (dirty tree)' if common['git'].get('dirty') else ''}\n")
    print(f"Machine: {m['cpu_count']} CPUs {m['cpu_model'] or ''}, {m['platform']}, Python {m['python']}, "
          f"pyoxigraph {m['pyoxigraph']}. {common['duration_s']:g} s per measured run, {common['repeat']} round(s), "
          f"medians. Ours: {common['server']['workers']} workers x {common['server']['threads']} threads, extra flags "
          f"`{shlex.join(common['server']['args']) or 'none'}`.\n")
    print("| size | clients | server | ours req/s | Virtuoso req/s | raw pyoxigraph req/s | ours / Virtuoso | ours / raw "
          "| p50 ms ours / Virtuoso | p99 ms ours / Virtuoso | errors ours / Virtuoso | PSS MB ours / Virtuoso | PSS ours / Virtuoso "
          "| foreign CPU cores, ours runs / Virtuoso runs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        o, v, pss = r["ours"], r["virtuoso"], r["pss_mb"]
        print(f"| {r['size']} | {r['clients']} | {r['variant']} | {num(o['rps'])} | {num(v['rps'])} "
              f"| {num(r['raw_memory_rps'])} | {num(r['ours_vs_virtuoso'], 2)} | {num(r['ours_vs_raw'], 2)} "
              f"| {num(o['p50_ms'])} / {num(v['p50_ms'])} | {num(o['p99_ms'])} / {num(v['p99_ms'])} | {o['errors']} / {v['errors']} "
              f"| {num(pss['ours'], 0)} / {num(pss['virtuoso'], 0)} "
              f"| {num(pss['ours'] / pss['virtuoso'] if pss['virtuoso'] else None, 2)} "
              f"| {', '.join(map(str, o['foreign_cpu_cores_runs']))} / {', '.join(map(str, v['foreign_cpu_cores_runs']))} |")
    print("\n(raw = the shared raw_oxigraph.py on an in-memory store, 1 thread for 1 client, 2 threads for more; "
          "PSS at the end of the size's run, every server still running; foreign CPU = cores other programs used "
          "during the measured runs)\n")
    for run in runs:
        t = run["timings"]
        print(f"{run['size']} ({run['triples']:,} triples): Virtuoso started in {t['virtuoso_start_s']} s, bulk load "
              f"{t['virtuoso_load_s']} s, database files {t['virtuoso_db_mb']} MB; our load {t['ours_load_s']} s")
        for name, mem in run["memory"].items():
            cold = t.get(name)
            if isinstance(cold, dict):
                print(f"  {name}: /healthz after {cold['healthz_s']} s, first correct answer (cold start) after "
                      f"{cold['first_answer_s']} s, in memory after {cold['in_memory_s']} s")
            procs = ", ".join(f"{p['kind']} {p['pss_mb']:.0f}" for p in mem["processes"])
            print(f"  {name} PSS MB: total {mem['total']['pss_mb']:.0f} ({procs}); RSS total {mem['total']['rss_mb']:.0f}")
    print()


# -- main ---------------------------------------------------------------------------------------------------

def exit_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM and SIGHUP end the run like Ctrl-C does: through the cleanup that stops the servers."""
    raise SystemExit(128 + signum)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["100k", "1M"],
                    help="approximate triples per size: 10k, 100k, 1M (an expected/kg-SIZE.json must exist)")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--duration", type=float, default=15.0, help="measured seconds per server and client count")
    ap.add_argument("--repeat", type=int, default=2, help="rounds; medians are reported, ratios paired by round")
    ap.add_argument("--warmup", type=float, default=3.0,
                    help="unmeasured seconds of load before each measured run (and once per server at the start)")
    ap.add_argument("--server-args", default="",
                    help="extra flags for `kemensos-kg serve`, one shell-quoted string, e.g. \"--cache-mb 0\"; by "
                         "default ours runs twice, with its defaults and with --cache-mb 0, when serve has that flag")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="our worker processes (server default)")
    ap.add_argument("--threads", type=int, default=4, help="our threads per worker (server default)")
    ap.add_argument("--timeout", type=float, default=30.0, help="our query timeout, and load.py's per-request timeout")
    ap.add_argument("--in-memory-wait", type=float, default=120.0,
                    help="seconds to wait for /healthz to report in_memory before measuring")
    ap.add_argument("--no-raw", action="store_true", help="skip the raw_oxigraph.py lower bound")
    ap.add_argument("--shared", type=Path, default=eb.DEFAULT_SHARED, help="the shared bench directory (env KG_BENCH_SHARED)")
    ap.add_argument("--kemensos-kg", type=Path, default=Path(sys.executable).parent / "kemensos-kg",
                    help="the kemensos-kg command (default: next to this interpreter)")
    ap.add_argument("--results", type=Path, default=RESULTS, help="JSON lines file to append to")
    ap.add_argument("--no-record", action="store_true", help="do not append to the results file")
    ap.add_argument("--note", default="", help="free text copied into the results")
    a = ap.parse_args()

    shared = a.shared.resolve()
    for f in ("gen_data.py", "load.py", "raw_oxigraph.py", "sparqlmix.py", "peers/virtuoso_instance.sh",
              "peers/virtuoso_load.sh"):
        if not (shared / f).is_file():
            die(f"{shared / f} not found: pass --shared DIR")
    for size in a.sizes:
        expected = shared / "expected" / f"kg-{eb.size_label(eb.parse_size(size))}.json"
        if not expected.is_file():
            die(f"no expected row counts for size {size} ({expected})")
    if not a.kemensos_kg.exists():
        die(f"{a.kemensos_kg} not found: install the project into this venv (pip install -e .)")
    if min(a.clients) < 1 or a.duration <= 0 or a.repeat < 1:
        die("--clients, --duration and --repeat must be positive")
    sys.path.insert(0, str(shared))
    server_args = shlex.split(a.server_args)
    ours_variants = variants(a.kemensos_kg, server_args)
    signal.signal(signal.SIGTERM, exit_on_signal)
    signal.signal(signal.SIGHUP, exit_on_signal)
    virtuoso_version = ensure_virtuoso()

    common = {"run_id": uuid.uuid4().hex[:12], "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": eb.machine_info(), "git": eb.git_info(), "virtuoso_version": virtuoso_version,
              "duration_s": a.duration, "repeat": a.repeat, "clients": a.clients, "warmup_s": a.warmup,
              "server": {"workers": a.workers, "threads": a.threads, "timeout": a.timeout, "args": server_args,
                         "variants": dict(ours_variants)}, "note": a.note}
    eb.CACHE.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    runs: list[dict] = []
    ok = True
    try:
        for size in a.sizes:
            size_rows, run, size_ok = run_size(a, shared, size, common, ours_variants)
            rows += size_rows
            runs.append(run)
            ok = ok and size_ok
            if not a.no_record:
                a.results.parent.mkdir(parents=True, exist_ok=True)
                with open(a.results, "a") as fh:
                    for row in size_rows:
                        fh.write(json.dumps({"record": "row", **common, **row}) + "\n")
                    fh.write(json.dumps({"record": "run", **common, **run}) + "\n")
                log(f"appended {len(size_rows) + 1} lines to {a.results}")
    finally:
        if rows:
            print_report(common, rows, runs)
    if not ok:
        log("FAILED: some requests failed or gave wrong answers (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
