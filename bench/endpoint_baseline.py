#!/usr/bin/env python3
"""Correctness-first baseline of the kemensos-kg SPARQL endpoint on the shared reference workload.

    .venv/bin/python bench/endpoint_baseline.py [--size 100k] [--duration 15] [--clients 1 8]

One run, all figures measured in it (the machines are noisy, so compare ratios, not absolute req/s):

 1. generate the synthetic KG with the shared gen_data.py (cached in bench/.cache/, deterministic at seed 42);
 2. load it into a fresh store with `kemensos-kg load --store DIR file.nt` (the default graph);
 3. start `kemensos-kg serve` on a free loopback port and wait for /healthz (polling);
 4. `load.py --verify --expected ...`: every query by GET and by POST must give the expected row count, or the run
    stops here with exit status 1 and no figures;
 5. an unmeasured warm-up with 2 x workers x threads clients: evaluator processes start lazily, one per request a
    worker serves at once, and the kernel decides which worker accepts a connection;
 6. --repeat rounds of: the lower bounds with the server idle (the shared raw_oxigraph.py, in-process pyoxigraph,
    on an in-memory store as in the shared README, and read-only on the very generation the server serves), then
    for each client count a short warm-up and `load.py` for --duration seconds (every response is checked against
    the expected row counts). Around each measured phase: server CPU per process kind (psutil) and the CPU that
    other programs used meanwhile ("foreign" cores: the noise of a shared machine);
 7. memory (PSS, RSS, USS) of the server master, its workers, their evaluator children and helpers;
 8. optional (--py-spy SECONDS): a py-spy profile of one worker and its evaluators under load, summarised;
 9. stop the server, print the tables, append JSON lines to bench/results/endpoint-baseline.jsonl.

Ratios ours/raw are paired by round, then the median is taken.
raw_oxigraph.py measures closed-loop Python threads (1 and 2), not an arbitrary number of clients: 1 client is
compared with 1 thread, more clients with 2 threads (the machine's cores; more threads add no parallelism).

Needs aiohttp and psutil in the same interpreter (`pip install aiohttp psutil`; py-spy only for --py-spy).
Exit status: 0 when every check passed, 1 when a query gave a wrong answer or a request failed, 2 on setup errors.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
DEFAULT_SHARED = Path(os.environ.get("KG_BENCH_SHARED", "/work/shared/bench"))
RESULTS = HERE / "results" / "endpoint-baseline.jsonl"
CACHE = HERE / ".cache"
PYSPY_RATE = 200  # samples per second per thread


def die(msg: str, code: int = 2) -> None:
    print(f"endpoint_baseline: {msg}", file=sys.stderr)
    raise SystemExit(code)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


try:
    import aiohttp  # noqa: F401  (load.py needs it in this interpreter)
    import psutil
except ImportError as exc:  # pragma: no cover
    die(f"{exc.name} is not installed in {sys.executable}: run `{sys.executable} -m pip install aiohttp psutil` "
        "(see bench/README.md)")


# -- sizes ---------------------------------------------------------------------------------------------

def parse_size(s: str) -> int:
    s = s.strip().lower().replace("_", "")
    mult = 1
    if s.endswith("k"):
        mult, s = 1000, s[:-1]
    elif s.endswith("m"):
        mult, s = 1000000, s[:-1]
    return int(float(s) * mult)


def size_label(n: int) -> str:
    if n % 1000000 == 0:
        return f"{n // 1000000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


# -- helpers -------------------------------------------------------------------------------------------

def run_cmd(cmd: list[str], *, timeout: float, what: str, capture: bool = True) -> subprocess.CompletedProcess:
    log(f"{what}: {' '.join(str(c) for c in cmd)}")
    try:
        proc = subprocess.run([str(c) for c in cmd], capture_output=capture, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        die(f"{what} did not finish within {timeout:.0f} s")
    if proc.returncode != 0:
        if capture:
            sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        die(f"{what} failed with exit status {proc.returncode}")
    return proc


def last_json_line(text: str, what: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    die(f"{what} printed no JSON line")
    return {}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git_info() -> dict:
    def git(*args: str) -> str | None:
        try:  # read-only: --no-optional-locks keeps `status` from refreshing (writing) the index
            p = subprocess.run(["git", "--no-optional-locks", "-C", str(PROJECT), *args], capture_output=True,
                               text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return p.stdout.strip() if p.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": None if status is None else bool(status)}


def machine_info() -> dict:
    model = None
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import pyoxigraph
    return {"cpu_count": os.cpu_count(), "cpu_model": model, "platform": platform.platform(),
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
            "mem_total_mb": round(psutil.virtual_memory().total / 2**20), "loadavg_start": os.getloadavg()}


# -- the server ----------------------------------------------------------------------------------------

class ServerProcess:
    def __init__(self, exe: Path, store: Path, port: int, args: argparse.Namespace, logfile: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.logfile = logfile
        self.cmd = [str(exe), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
                    "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", str(args.timeout)]
        self.proc: subprocess.Popen | None = None
        self.seen: dict[int, psutil.Process] = {}  # every process of the server tree we observed

    def start(self, wait_s: float) -> float:
        log("start: " + " ".join(self.cmd))
        self._log = open(self.logfile, "w")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, cwd=str(PROJECT))
        deadline = t0 + wait_s
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                self._log.flush()
                die(f"the server exited with status {self.proc.returncode} before it was ready; "
                    f"its log:\n{self.logfile.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    doc = json.loads(resp.read())
                    if resp.status == 200 and doc.get("status") == "ok":
                        return time.perf_counter() - t0
                    die(f"/healthz says {doc}")
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.05)  # polling interval, not a fixed wait
        self.stop()
        die(f"the server did not answer /healthz within {wait_s:.0f} s; log: {self.logfile}")
        return 0.0

    def tree(self) -> list[tuple[str, psutil.Process]]:
        """(kind, process) for the master and every descendant, kinds: master, worker, evaluator, helper."""
        assert self.proc is not None
        out = []
        try:
            master = psutil.Process(self.proc.pid)
            procs = [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return out
        for p in procs:
            self.seen.setdefault(p.pid, p)
            try:
                cmd = " ".join(p.cmdline())
                ppid = p.ppid()
            except psutil.Error:
                continue
            if p.pid == master.pid:
                kind = "master"
            elif ppid == master.pid:
                kind = "worker"
            elif "resource_tracker" in cmd:
                kind = "helper"  # multiprocessing's resource tracker, one per worker
            elif "spawn_main" in cmd:
                kind = "evaluator"
            else:
                kind = "other"
            out.append((kind, p))
        return out

    def pids(self, kind: str) -> set[int]:
        return {p.pid for k, p in self.tree() if k == kind}

    def count(self, kind: str) -> int:
        return len(self.pids(kind))

    def cpu_by_kind(self) -> dict[str, float]:
        acc: dict[str, float] = collections.defaultdict(float)
        for kind, p in self.tree():
            try:
                t = p.cpu_times()
                acc[kind] += t.user + t.system
                acc["_pid_%d" % p.pid] = t.user + t.system
            except psutil.Error:
                pass
        return acc

    def memory(self) -> dict:
        rows = []
        for kind, p in self.tree():
            try:
                m = p.memory_full_info()
            except psutil.Error:
                continue
            rows.append({"kind": kind, "pid": p.pid, "pss_mb": round(m.pss / 2**20, 1), "rss_mb": round(m.rss / 2**20, 1),
                         "uss_mb": round(m.uss / 2**20, 1)})
        by_kind: dict[str, dict] = {}
        for r in rows:
            k = by_kind.setdefault(r["kind"], {"n": 0, "pss_mb": 0.0, "rss_mb": 0.0, "uss_mb": 0.0})
            k["n"] += 1
            for f in ("pss_mb", "rss_mb", "uss_mb"):
                k[f] = round(k[f] + r[f], 1)
        total = {f: round(sum(r[f] for r in rows), 1) for f in ("pss_mb", "rss_mb", "uss_mb")}
        return {"processes": rows, "by_kind": by_kind, "total": total}

    def stop(self) -> None:
        if self.proc is None:
            return
        self.tree()  # remember the current descendants, to check they are gone afterwards
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the workers
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                log("the server did not stop within 20 s of SIGTERM: killing its process group")
                os.killpg(self.proc.pid, signal.SIGKILL)  # the session we created for it, nothing else
                self.proc.wait(5)
        deadline = time.time() + 10
        for pid, p in self.seen.items():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    p.wait(max(0.1, deadline - time.time()))
            except psutil.TimeoutExpired:
                log(f"process {pid} of the server outlived it: killing it")
                p.kill()
            except psutil.Error:
                pass
        self._log.close()
        self.proc = None


# -- py-spy ---------------------------------------------------------------------------------------------

FRAME_RE = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
IDLE = "idle"


def _evaluator_bucket(funcs: list[str]) -> str:
    i = funcs.index("_child")
    rest = funcs[i + 1:]
    if not rest:
        return "Store.query: parse, plan, first rows (engine)"
    nxt = rest[0]
    if nxt == "_ConnectionBase.recv":
        return IDLE
    if nxt == "_ConnectionBase.send":
        return "sending the result (pickle + pipe)"
    if nxt == "write_results":
        if any(f.startswith(("_JsonRows", "_XmlRows", "_CsvRows", "_TsvRows", "_json_term", "_xml_term", "JSONEncoder",
                             "dumps", "_csv_field", "_tsv_field")) for f in rest):
            return "serialising solutions in Python (kg.query.results)"
        if rest[-1] == "_write_solutions":
            return "iterating solutions (engine, lazy evaluation)"
        if "_write_triples" in rest:
            return "CONSTRUCT: engine + pyoxigraph serialiser"
        return "write_results, other"
    return "evaluator, other: " + nxt


def _worker_bucket(funcs: list[str]) -> str:
    leaf = funcs[-1]
    if "Evaluator.run" in funcs:
        rest = funcs[funcs.index("Evaluator.run") + 1:]
        if "_ConnectionBase.poll" in rest:
            return "blocked: waiting for the evaluator"
        if "_ConnectionBase.send" in rest:
            return "sending the job to the evaluator (pickle + pipe)"
        if "_ConnectionBase.recv" in rest:
            return "receiving the result (pipe + unpickle)"
        return "evaluator bookkeeping (is_alive, generation check)"
    if leaf == "_worker" or leaf.endswith(".select") or leaf in ("wait", "Condition.wait", "Event.wait"):
        return IDLE
    if "ThreadWorker.handle" in funcs:
        if "Logger.access" in funcs:
            return "gunicorn access log"
        if "Flask.wsgi_app" in funcs or "Flask.__call__" in funcs:
            if "stream_with_context.<locals>.generator" in funcs or "_gzip" in funcs:
                return "streaming the response body (gzip)"
            if "sparql" in funcs:
                return "Flask + /sparql handler (parse form, negotiate, response)"
            return "Flask, other (request/response objects, hooks)"
        return "gunicorn: parse request, write response"
    return "gunicorn loop (heartbeat, accept, hand-off)"


def summarise_pyspy(raw_path: Path, rate: int, top: int = 15) -> dict:
    """Summarise py-spy's raw (collapsed) output recorded with --idle --subprocesses: per process kind (worker,
    evaluator), where the busy samples go (idle waits are classified and left out) and the top leaf frames."""
    buckets: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    leaves: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in raw_path.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        parts = stack.split(";")
        procs = [p for p in parts if p.startswith("process ")]
        frames = [p for p in parts if not p.startswith("process ")]
        if not frames:
            continue
        funcs = []
        for f in frames:
            m = FRAME_RE.match(f)
            funcs.append(m.group("func") if m else f)
        if procs and "resource_tracker" in procs[-1]:
            kind, bucket = "helper", IDLE
        elif "_child" in funcs:
            kind, bucket = "evaluator", _evaluator_bucket(funcs)
        else:
            kind, bucket = "worker", _worker_bucket(funcs)
        buckets[kind][bucket] += int(n)
        if bucket != IDLE and not bucket.startswith("blocked"):
            leaves[kind][frames[-1]] += int(n)
    out = {}
    for kind in ("worker", "evaluator"):
        c = buckets.get(kind)
        if not c:
            continue
        busy = sum(v for b, v in c.items() if b != IDLE and not b.startswith("blocked"))
        out[kind] = {"busy_s": round(busy / rate, 2),
                     "blocked_s": round(sum(v for b, v in c.items() if b.startswith("blocked")) / rate, 2),
                     "busy_share_pct": {b: round(100 * v / busy, 1) for b, v in c.most_common()
                                        if b != IDLE and not b.startswith("blocked") and busy},
                     "top_busy_leaf_frames_pct": [[f, round(100 * v / busy, 1)] for f, v in leaves[kind].most_common(top)]}
    return out


class Phase:
    """CPU used on the machine by others (not this script's children, not the server) while a phase runs:
    the noise indicator of a shared machine, in cores."""

    def __init__(self, server: "ServerProcess | None") -> None:
        self.server = server
        self.wall = 0.0
        self.foreign = None

    @staticmethod
    def _busy() -> float:
        t = psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0)

    @staticmethod
    def _children() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    def _server(self) -> float:
        if self.server is None:
            return 0.0
        return sum(v for k, v in self.server.cpu_by_kind().items() if not k.startswith("_"))

    def __enter__(self) -> "Phase":
        self.b0, self.c0, self.s0, self.t0 = self._busy(), self._children(), self._server(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = round(time.perf_counter() - self.t0, 2)
        own = (self._children() - self.c0) + (self._server() - self.s0)
        self.foreign = round(max(0.0, (self._busy() - self.b0) - own) / max(self.wall, 1e-6), 2)


def median(vals):
    vals = [v for v in vals if v is not None]
    return round(statistics.median(vals), 2) if vals else None


def summarise_raw(runs: list[dict]) -> dict:
    """Medians over rounds of raw_oxigraph.py's figures."""
    first = runs[0]
    out = {k: first.get(k) for k in ("label", "pyoxigraph", "store", "triples", "load_s", "rss_mb_after_load")}
    for k in ("mix_rps_1thread", "mix_rps_2threads", "mix_eval_mean_ms", "mix_serialize_mean_ms"):
        out[k] = median([r.get(k) for r in runs])
    out["rss_mb_end"] = max(r.get("rss_mb_end") or 0 for r in runs)
    out["queries"] = {q: {"rows": v["rows"], "eval_ms": median([r["queries"][q]["eval_ms"] for r in runs]),
                          "serialize_ms": median([r["queries"][q]["serialize_ms"] for r in runs])}
                      for q, v in first["queries"].items()}
    out["rounds"] = [{k: r.get(k) for k in ("round", "mix_rps_1thread", "mix_rps_2threads", "wall_s", "foreign_cpu_cores")}
                     for r in runs]
    return out


# -- the run --------------------------------------------------------------------------------------------

def run_load(shared: Path, url: str, expected: Path, clients: int, duration: float, timeout: float,
             label: str, extra: list[str] | None = None) -> dict:
    cmd = [sys.executable, shared / "load.py", "--endpoint", url, "-c", str(clients), "-d", str(duration),
           "--expected", expected, "--label", label, "--timeout", str(timeout), *(extra or [])]
    proc = run_cmd(cmd, timeout=duration + 4 * timeout + 120, what=f"load.py -c {clients} ({label})")
    return last_json_line(proc.stdout, "load.py")


def ensure_data(shared: Path, n: int, label: str) -> tuple[Path, int]:
    """The generated N-Triples file for a size and its triple count. Generated once into bench/.cache/ and reused:
    gen_data.py is deterministic, and it writes the meta file last, so a file with its meta file is complete."""
    data = CACHE / f"kg-{label}.nt"
    meta = Path(str(data) + ".meta.json")
    if not (data.is_file() and meta.is_file()):
        run_cmd([sys.executable, shared / "gen_data.py", "--triples", str(n), "--out", data], timeout=1800, what="gen_data")
    return data, json.loads(meta.read_text())["triples"]


def verify_endpoint(shared: Path, endpoint: str, expected: Path, timeout: float) -> dict:
    """`load.py --verify`: every query by GET and by POST must give the expected row count. Otherwise stop with
    exit status 1, since no performance figure of a wrong endpoint is worth taking."""
    cmd = [sys.executable, shared / "load.py", "--endpoint", endpoint, "--verify", "--expected", expected,
           "--timeout", str(timeout)]
    log("verify: " + " ".join(map(str, cmd)))
    proc = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=60 + 18 * timeout)
    sys.stderr.write(proc.stderr)
    verify = last_json_line(proc.stdout, "load.py --verify") if proc.stdout.strip() else {}
    if proc.returncode != 0 or verify.get("problems", 1) != 0:
        die(f"VERIFY FAILED: the endpoint gave wrong answers or errors (load.py exit {proc.returncode}); "
            "no performance figures are taken from a wrong endpoint", 1)
    log("verify: all queries give the expected row counts by GET and POST")
    return verify


def fmt(v, nd=1):
    return "-" if v is None else f"{v:.{nd}f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100k", help="approximate triples: 10k, 100k, 1M (an expected/kg-SIZE.json must exist)")
    ap.add_argument("--duration", type=float, default=15.0, help="measured seconds per client count")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds (lower bounds, then each client count); medians are reported, ratios paired by round")
    ap.add_argument("--warmup", type=float, default=3.0,
                    help="unmeasured seconds of load: once with 2 x workers x threads clients, then before each measurement")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server worker processes (server default)")
    ap.add_argument("--threads", type=int, default=4, help="server threads per worker (server default)")
    ap.add_argument("--timeout", type=float, default=30.0, help="server query timeout, and load.py's per-request timeout")
    ap.add_argument("--raw", choices=["both", "memory", "disk", "none"], default="both",
                    help="raw_oxigraph.py lower bounds to run: in-memory store, the on-disk generation, both, none")
    ap.add_argument("--raw-mix-seconds", type=float, default=None, help="raw_oxigraph --mix-seconds (default: --duration)")
    ap.add_argument("--raw-iterations", type=int, default=10, help="raw_oxigraph --iterations per query")
    ap.add_argument("--py-spy", type=float, default=0, metavar="SECONDS",
                    help="after the measurements, profile one worker and its evaluators with py-spy for SECONDS "
                         "under load at the largest client count (not part of the measured figures)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared bench directory (env KG_BENCH_SHARED)")
    ap.add_argument("--kemensos-kg", type=Path, default=Path(sys.executable).parent / "kemensos-kg",
                    help="the kemensos-kg command (default: next to this interpreter)")
    ap.add_argument("--keep-store", action="store_true", help="keep the store in bench/.cache/ after the run")
    ap.add_argument("--results", type=Path, default=RESULTS, help="JSON lines file to append to")
    ap.add_argument("--no-record", action="store_true", help="do not append to the results file")
    ap.add_argument("--note", default="", help="free text copied into the results")
    a = ap.parse_args()

    n = parse_size(a.size)
    label = size_label(n)
    shared = a.shared.resolve()
    for f in ("gen_data.py", "load.py", "raw_oxigraph.py", "sparqlmix.py"):
        if not (shared / f).is_file():
            die(f"{shared / f} not found: pass --shared DIR")
    expected = shared / "expected" / f"kg-{label}.json"
    if not expected.is_file():
        die(f"no expected row counts for size {label} ({expected}); sizes with counts: "
            + ", ".join(p.stem[3:] for p in sorted((shared / 'expected').glob('kg-*.json'))))
    if not a.kemensos_kg.exists():
        die(f"{a.kemensos_kg} not found: install the project into this venv (pip install -e .)")
    if a.py_spy and not shutil.which("py-spy", path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")):
        die("--py-spy needs py-spy: pip install py-spy")
    if min(a.clients) < 1 or a.duration <= 0 or a.repeat < 1:
        die("--clients, --duration and --repeat must be positive")

    run_id = uuid.uuid4().hex[:12]
    started_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    common = {"run_id": run_id, "date": started_at, "machine": machine_info(), "git": git_info(), "size": label,
              "size_triples_target": n, "duration_s": a.duration, "repeat": a.repeat, "note": a.note,
              "server": {"workers": a.workers, "threads": a.threads, "timeout": a.timeout}}
    timings: dict[str, float] = {}
    CACHE.mkdir(parents=True, exist_ok=True)
    ok = True

    # 1. data (deterministic: reused when its meta file says it is complete)
    t0 = time.perf_counter()
    data, triples = ensure_data(shared, n, label)
    timings["generate_s"] = round(time.perf_counter() - t0, 2)
    common["triples"] = triples

    # 2. a fresh store
    store = Path(tempfile.mkdtemp(prefix=f"store-{label}-", dir=CACHE))
    server = None
    try:
        t0 = time.perf_counter()
        out = run_cmd([a.kemensos_kg, "load", "--store", store, data], timeout=3600, what="kemensos-kg load")
        timings["load_s"] = round(time.perf_counter() - t0, 2)
        log(out.stdout.strip())
        generation = (store / "current").resolve()
        common["store_mb"] = round(sum(f.stat().st_size for f in generation.rglob("*") if f.is_file()) / 2**20, 1)

        # 3. the server
        server = ServerProcess(a.kemensos_kg, store, free_port(), a, CACHE / f"serve-{run_id}.log")
        timings["server_ready_s"] = round(server.start(120), 2)
        endpoint = server.url + "/sparql"

        # 4. correctness first
        t0 = time.perf_counter()
        verify = verify_endpoint(shared, endpoint, expected, a.timeout)
        timings["verify_s"] = round(time.perf_counter() - t0, 2)

        # 5. Evaluators start lazily (one per request a worker serves at once), and the kernel decides which worker
        # accepts a connection, so first a short load with more clients than the server has threads, to start as
        # many of them as the server will use (their start-up is not measured)
        prime = None
        if a.warmup > 0:
            prime = run_load(shared, endpoint, expected, 2 * a.workers * a.threads, a.warmup, a.timeout, "warmup-all")
        evaluators_ready = server.count("evaluator")
        log(f"{evaluators_ready} evaluator processes running (the server has {a.workers} x {a.threads} threads)")

        # 6. rounds: the lower bounds (server idle), then our endpoint at each client count
        modes = {"both": ["memory", "disk"], "none": []}.get(a.raw, [a.raw])
        raw_runs: dict[str, list[dict]] = {m: [] for m in modes}
        our_runs: dict[int, list[dict]] = {c: [] for c in a.clients}
        warmups: dict[int, list[dict]] = {c: [] for c in a.clients}
        expected_rows = json.loads(expected.read_text())
        for rnd in range(a.repeat):
            for mode in modes:
                cmd = [sys.executable, shared / "raw_oxigraph.py", "--data", data, "--label", f"raw-{mode}",
                       "--mix-seconds", str(a.raw_mix_seconds or a.duration), "--iterations", str(a.raw_iterations),
                       "--min-seconds", "0.2"]
                if mode == "disk":
                    cmd += ["--store-dir", generation, "--reuse"]  # read-only on the generation the server serves
                with Phase(server) as ph:
                    res = last_json_line(run_cmd(cmd, timeout=3600, what=f"raw_oxigraph ({mode}) round {rnd + 1}").stdout,
                                         "raw_oxigraph")
                res.update(round=rnd + 1, wall_s=ph.wall, foreign_cpu_cores=ph.foreign)
                raw_runs[mode].append(res)
                bad = {q: v["rows"] for q, v in res["queries"].items() if v["rows"] != expected_rows.get(q)}
                if bad:
                    ok = False
                    log(f"raw_oxigraph ({mode}) row counts differ from {expected.name}: {bad}")
            for c in a.clients:
                if a.warmup > 0:
                    w = run_load(shared, endpoint, expected, c, a.warmup, a.timeout, f"warmup-{c}")
                    warmups[c].append({k: w.get(k) for k in ("rps", "p50_ms", "p99_ms", "max_ms", "errors")})
                pids0 = server.pids("evaluator")
                cpu0 = server.cpu_by_kind()
                with Phase(server) as ph:
                    res = run_load(shared, endpoint, expected, c, a.duration, a.timeout, f"kemensos-kg-{c}")
                cpu1 = server.cpu_by_kind()
                res.update(round=rnd + 1, foreign_cpu_cores=ph.foreign)
                res["evaluators_started_during_run"] = len(server.pids("evaluator") - pids0)
                cpu = {k: round(cpu1[k] - cpu0.get(k, 0.0), 2) for k in cpu1 if not k.startswith("_")}
                res["server_cpu_s"] = cpu
                res["server_cpu_ms_per_request"] = {k: round(1000 * v / max(1, res["ok"]), 2) for k, v in cpu.items()}
                res["server_cpu_util"] = round(sum(cpu.values()) / ph.wall, 2)
                our_runs[c].append(res)
                if res["errors"]:
                    ok = False
                    log(f"ERRORS at {c} clients: {res['error_kinds']} {res['error_samples']}")

        raw = {m: summarise_raw(runs) for m, runs in raw_runs.items()}
        rows = []
        for c in a.clients:
            runs = our_runs[c]
            mid = sorted(runs, key=lambda r: r["rps"] or 0)[len(runs) // 2]
            threads = 1 if c == 1 else 2
            key = "mix_rps_1thread" if threads == 1 else "mix_rps_2threads"
            row = {"clients": c, "rps": median([r["rps"] for r in runs]), "p50_ms": mid["p50_ms"],
                   "p95_ms": mid["p95_ms"], "p99_ms": mid["p99_ms"], "errors": sum(r["errors"] for r in runs),
                   "rps_runs": [r["rps"] for r in runs], "foreign_cpu_cores_runs": [r["foreign_cpu_cores"] for r in runs],
                   "load": mid, "warmups": warmups[c], "raw_threads": threads}
            for mode in modes:
                rr = [x.get(key) for x in raw_runs[mode]]
                row[f"raw_{mode}_rps"] = median(rr)
                row[f"raw_{mode}_rps_runs"] = rr
                ratios = [o["rps"] / r for o, r in zip(runs, rr) if r and o["rps"]]
                row[f"ratio_vs_raw_{mode}"] = round(median(ratios), 3) if ratios else None  # paired by round
            rows.append(row)

        # 7. memory at the end of the run (all evaluators that the largest client count started are alive)
        memory = server.memory()

        # 8. optional profile, after (and not part of) the measured figures
        profile = None
        if a.py_spy:
            profile = profile_worker(a, server, shared, endpoint, expected)
    finally:
        if server is not None:
            server.stop()
        if not a.keep_store:
            shutil.rmtree(store, ignore_errors=True)

    # 9. report
    common["timings"] = timings
    common["evaluators_after_warmup"] = evaluators_ready
    common["warmup_all"] = None if prime is None else {k: prime.get(k) for k in ("concurrency", "rps", "p99_ms", "max_ms", "errors")}
    print_report(common, rows, raw, memory, profile)
    if not a.no_record:
        a.results.parent.mkdir(parents=True, exist_ok=True)
        with open(a.results, "a") as fh:
            for row in rows:
                fh.write(json.dumps({"record": "row", **common, **row}) + "\n")
            fh.write(json.dumps({"record": "run", **common, "ok": ok, "verify": verify.get("verify"),
                                 "raw": raw, "memory": memory, "profile": profile,
                                 "summary": [{k: v for k, v in r.items() if k != "load"} for r in rows]}) + "\n")
        log(f"appended {len(rows) + 1} lines to {a.results}")
    if not ok:
        log("FAILED: some requests failed or gave wrong answers (see above)")
    return 0 if ok else 1


def profile_worker(a, server: ServerProcess, shared: Path, endpoint: str, expected: Path) -> dict | None:
    pyspy = shutil.which("py-spy", path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    workers = [p for kind, p in server.tree() if kind == "worker"]
    if not workers or not pyspy:
        return None
    worker = workers[0]
    out = CACHE / f"py-spy-{worker.pid}.txt"
    c = max(a.clients)
    log(f"py-spy: recording worker {worker.pid} and its evaluators for {a.py_spy:g} s under {c} clients")
    spy = subprocess.Popen([pyspy, "record", "--pid", str(worker.pid), "--subprocesses", "--format", "raw",
                            "--rate", str(PYSPY_RATE), "--duration", str(int(a.py_spy)), "--idle", "--nonblocking",
                            "-o", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)  # let py-spy attach before the load begins (it samples from attach on)
    res = run_load(shared, endpoint, expected, c, a.py_spy, a.timeout, f"profiled-{c}")
    try:
        _, err = spy.communicate(timeout=a.py_spy + 60)
    except subprocess.TimeoutExpired:
        spy.kill()
        _, err = spy.communicate()
    if not out.is_file():
        log(f"py-spy wrote nothing: {err[-500:]}")
        return None
    summary = summarise_pyspy(out, PYSPY_RATE)
    summary["raw_file"] = str(out.relative_to(PROJECT)) if out.is_relative_to(PROJECT) else str(out)
    summary["load_under_profile"] = {k: res.get(k) for k in ("rps", "p50_ms", "p99_ms", "errors")}
    return summary


def print_report(common: dict, rows: list[dict], raw: dict, memory: dict, profile: dict | None) -> None:
    m = common["machine"]
    print(f"\nkemensos-kg endpoint baseline  {common['date']}  commit {common['git']['commit']}"
          f"{' (dirty tree)' if common['git'].get('dirty') else ''}")
    print(f"machine: {m['cpu_count']} CPUs {m['cpu_model'] or ''}, {m['platform']}, Python {m['python']}, "
          f"pyoxigraph {m['pyoxigraph']}")
    print(f"data: {common['size']} ({common['triples']:,} triples), store {common.get('store_mb')} MB; "
          f"server {common['server']['workers']} workers x {common['server']['threads']} threads; "
          f"{common['duration_s']:g} s per client count; timings {common['timings']}")
    print(f"warm-up at {(common.get('warmup_all') or {}).get('concurrency')} clients first: "
          f"{common.get('evaluators_after_warmup')} evaluator processes running before the measurements\n")
    modes = list(raw)
    head = f"{'clients':>7} {'ours req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    for mode in modes:
        head += f" {'raw-' + mode + ' req/s':>17} {'ours/raw-' + mode:>15}"
    head += "  foreign CPU (cores)"
    print(head)
    for r in rows:
        line = f"{r['clients']:>7} {fmt(r['rps']):>10} {fmt(r['p50_ms']):>8} {fmt(r['p99_ms']):>8} {r['errors']:>6}"
        for mode in modes:
            line += f" {fmt(r.get(f'raw_{mode}_rps')):>17} {fmt(r.get(f'ratio_vs_raw_{mode}'), 3):>15}"
        print(line + "  " + ", ".join(map(str, r["foreign_cpu_cores_runs"])))
    print("(raw = shared raw_oxigraph.py closed-loop mix, serialise path; 1 client vs 1 thread, more vs 2 threads;\n"
          " foreign CPU = cores used by other programs during our measured runs)")
    if common["repeat"] > 1:
        for r in rows:
            print(f"  {r['clients']} clients, req/s by round: ours {r['rps_runs']}"
                  + "".join(f"; raw-{m} {r.get(f'raw_{m}_rps_runs')}" for m in modes)
                  + "".join(f"; ours/raw-{m} {[round(o / x, 3) if o and x else None for o, x in zip(r['rps_runs'], r.get(f'raw_{m}_rps_runs') or [])]}"
                            for m in modes))
    for mode in modes:
        print(f"  raw-{mode} rounds: " + "; ".join(
            f"1t {x['mix_rps_1thread']} 2t {x['mix_rps_2threads']} foreign {x['foreign_cpu_cores']}" for x in raw[mode]["rounds"]))
    print()

    # per query: ours at the smallest client count vs the engine in-process
    r1 = rows[0]
    print(f"per query p50 ms, ours at {r1['clients']} client(s) vs in-process Store.query + serialise (median):")
    print(f"{'query':28s} {'ours':>8}" + "".join(f" {'raw-' + mo:>11} {'ours-raw':>9}" for mo in modes))
    for q, v in r1["load"]["per_query"].items():
        line = f"{q:28s} {fmt(v['p50_ms'], 2):>8}"
        for mo in modes:
            s = raw[mo]["queries"].get(q, {}).get("serialize_ms")
            line += f" {fmt(s, 2):>11} {fmt(None if s is None or v['p50_ms'] is None else v['p50_ms'] - s, 2):>9}"
        print(line)

    print("\nserver CPU ms per request (measured run; master / workers / evaluators / helpers):")
    for r in rows:
        cpu = r["load"]["server_cpu_ms_per_request"]
        print(f"  {r['clients']:>3} clients: " + ", ".join(f"{k} {v}" for k, v in sorted(cpu.items()))
              + f"; server CPU utilisation {r['load']['server_cpu_util']} cores; "
              f"load generator {r['load']['client_cpu_s']} CPU s; "
              f"evaluators started during the run {r['load']['evaluators_started_during_run']}")

    print("\nmemory at the end of the run (MB):")
    for kind, k in memory["by_kind"].items():
        print(f"  {kind:10s} x{k['n']}: PSS {k['pss_mb']:7.1f}  RSS {k['rss_mb']:7.1f}  USS {k['uss_mb']:7.1f}")
    t = memory["total"]
    print(f"  {'total':10s}    PSS {t['pss_mb']:7.1f}  RSS {t['rss_mb']:7.1f}  USS {t['uss_mb']:7.1f}")
    for mode in modes:
        print(f"  raw-{mode} (one process, RSS at its end): {raw[mode].get('rss_mb_end')}")
    if profile:
        print(f"\npy-spy ({profile.get('raw_file')}, load under profile {profile.get('load_under_profile')}):")
        for kind in ("worker", "evaluator"):
            if kind in profile:
                p = profile[kind]
                print(f"  {kind} (busy {p['busy_s']} s of samples, blocked {p['blocked_s']} s), busy time by activity:")
                for b, v in p["busy_share_pct"].items():
                    print(f"      {v:5.1f}%  {b}")
                print("    top busy leaf frames: " + "; ".join(f"{f} {v}%" for f, v in p["top_busy_leaf_frames_pct"][:6]))

if __name__ == "__main__":
    sys.exit(main())
