#!/usr/bin/env python3
"""Throughput of extraction and of the whole build on synthetic corpora made from the real releases.

    .venv/bin/python bench/build_throughput.py [--large] [--jobs 2] [--repeat 3] [--tracemalloc] [--validate] [--json]

1. The bundled releases (corpus/*.txt, corpus/dev/*.txt) are split into sentences with the pipeline's own
   normaliser and splitter; datelines lose their "CITY (date) -" prefix.
2. A synthetic release is a header block (`source:`, `title:`, `date:`; the date is unique, so is the
   slug `<date>-<title words>`), a dateline ("JAKARTA (3 Maret 2021) - ") and sentences drawn from the pool
   (random.Random(--seed), default 42): as many as a real release has (drawn from the real releases'
   sentence counts), 1-3 sentences per paragraph. The corpora of 100, 1,000 and (--large) 10,000 releases
   are prefixes of one stream, so every size is made of the same kind of document.
3. Measured in one process, after an unmeasured warm-up over 20 releases (the mention finder compiles
   its patterns once per process):
   - `analyse` — `kg.pipeline.analyse(document)` for each release, read beforehand; the analyses are kept,
     as `analyse_paths` (and so the build) keeps them; with `--jobs N` also the same over N worker
     processes (multiprocessing, fork; each worker returns only counts, so this is extraction alone);
   - `build_dataset` — `kg.pipeline.build_dataset(files)` for 100 and 1,000 releases (10,000 with
     `--large --build-large`): extraction, cross-document merges, RDF of every fact with its provenance,
     derived triples; then `write_store` — `kg.store.write_store`, the pyoxigraph store a build writes;
     `--validate` adds the SHACL validation that `kemensos-kg build` runs in between.
   Each timing is repeated --repeat times (10,000: once) and the median is reported.
4. Printed: releases per second, milliseconds per release, and the ratio of the per-release time at each
   size to the 100-release run of the same phase in the same process (machines are noisy: compare ratios);
   peak memory as resident set size sampled every 5 ms from /proc (process plus worker processes), and with
   --tracemalloc the peak of Python allocations in an extra, untimed pass (tracemalloc slows the code down).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.document import Document, read_document  # noqa: E402
from bench.provenance import git_state, machine  # noqa: E402
from kg.pipeline import DEFAULT_CORPUS, analyse, build_dataset, collect_inputs  # noqa: E402
from kg.text import DATELINE, normalise, split_sentences  # noqa: E402

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
DATELINE_PLACES = ("JAKARTA", "BEKASI", "SUKABUMI", "TABANAN", "FUKUOKA", "KENDARI", "TOKYO")
TITLE_WORDS = ("Kemensos", "Sentra", "Layanan", "Atensi", "Rehabilitasi", "Sosial", "Delegasi", "Kunjungan",
               "Bantuan", "Penyandang", "Disabilitas", "Kelompok", "Rentan", "Program", "Kerja", "Sama")
START_DATE = dt.date(2000, 1, 1)


# -- the synthetic corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    sentences: tuple[str, ...]
    lengths: tuple[int, ...]       # sentences per real release
    real_chars: float              # mean characters of a real release's article text


def sentence_pool(corpus: Path = DEFAULT_CORPUS) -> Pool:
    sentences: list[str] = []
    lengths: list[int] = []
    chars: list[int] = []
    for path in collect_inputs([corpus]):
        doc = read_document(path)
        found = split_sentences(normalise(doc.raw, doc.body_start))
        lengths.append(len(found))
        chars.append(len(doc.body))
        for sentence in found:
            text = sentence.text.strip()
            match = DATELINE.match(text)
            if match:
                text = text[match.end():].strip()
            if len(text) > 3:
                sentences.append(text)
    return Pool(tuple(sentences), tuple(lengths), statistics.fmean(chars))


def synthetic_release(i: int, rng: random.Random, pool: Pool) -> str:
    day = START_DATE + dt.timedelta(days=i)
    words = " ".join(rng.sample(TITLE_WORDS, 4))
    title = f"Rilis Sintetis {i:05d} {words}"
    header = f"source: https://example.invalid/synthetic/{i:05d}\ntitle: {title}\ndate: {day.isoformat()}\n\n"
    count = rng.choice(pool.lengths)
    picked = [rng.choice(pool.sentences) for _ in range(count)]
    place = rng.choice(DATELINE_PLACES)
    picked[0] = f"{place} ({day.day} {MONTHS[day.month - 1]} {day.year}) - {picked[0]}"
    paragraphs, k = [], 0
    while k < len(picked):
        n = rng.randint(1, 3)
        paragraphs.append(" ".join(picked[k:k + n]))
        k += n
    return header + "\n".join(paragraphs) + "\n"


def write_corpus(folder: Path, n: int, seed: int, pool: Pool) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{i:05d}.txt"
        path.write_text(synthetic_release(i, rng, pool), encoding="utf-8")
        paths.append(path)
    return paths


# -- memory ---------------------------------------------------------------------------------------------------


def _proc_kib(pid: int | str, filename: str, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/{filename}", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kib(pid: int | str = "self") -> int:
    return _proc_kib(pid, "status", "VmRSS:")


def _pss_kib(pid: int | str = "self") -> int:
    return _proc_kib(pid, "smaps_rollup", "Pss:")


class RssSampler:
    """Peak memory of this process, sampled every `interval` s: its resident set size (VmRSS) while it has
    no child processes; with worker processes the sum of the proportional set sizes (Pss) of this process
    and its children, so that pages the forked workers share with it are not counted twice."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.start_kib = 0
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> int:
        children = [c.pid for c in multiprocessing.active_children() if c.pid]
        if not children:
            return _rss_kib()
        return _pss_kib() + sum(_pss_kib(pid) for pid in children)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self.start_kib = self.peak_kib = self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self.peak_kib = max(self.peak_kib, self._sample())


# -- phases ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    phase: str
    docs: int
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    rss_growth_mib: float = 0.0
    traced_peak_mib: float | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)
    ratio: float | None = None
    cpu_ratio: float | None = None

    @property
    def extra(self) -> dict[str, Any]:
        """What each run reported (parts of the build, counts): medians of numbers, else the last value."""
        out: dict[str, Any] = {}
        for name in (self.runs[-1] if self.runs else {}):
            values = [run[name] for run in self.runs if name in run]
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            out[name] = statistics.median(values) if numeric else values[-1]
        return out

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_ms_per_doc(self) -> float:
        return 1000 * statistics.median(self.cpu_seconds) / self.docs

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.median

    @property
    def ms_per_doc(self) -> float:
        return 1000 * self.median / self.docs

    def as_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase, "docs": self.docs, "seconds": [round(s, 4) for s in self.seconds],
            "median_seconds": round(self.median, 4), "docs_per_second": round(self.docs_per_second, 2),
            "ms_per_doc": round(self.ms_per_doc, 3),
            "cpu_ms_per_doc": round(self.cpu_ms_per_doc, 3), "cpu_ratio_to_100": None if self.cpu_ratio is None else round(self.cpu_ratio, 3),
            "ratio_to_100": None if self.ratio is None else round(self.ratio, 3),
            "peak_rss_mib": round(self.peak_rss_mib, 1), "rss_growth_mib": round(self.rss_growth_mib, 1),
            "traced_peak_mib": None if self.traced_peak_mib is None else round(self.traced_peak_mib, 1), **self.extra,
        }


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished (waited-for) children."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure(result: Result, run: Callable[[], Any], repeat: int, trace: bool) -> Result:
    for _ in range(repeat):
        gc.collect()
        with RssSampler() as rss:
            cpu = _cpu_seconds()
            started = time.perf_counter()
            out = run()
            result.seconds.append(time.perf_counter() - started)
            result.cpu_seconds.append(_cpu_seconds() - cpu)
        result.peak_rss_mib = max(result.peak_rss_mib, rss.peak_kib / 1024)
        result.rss_growth_mib = max(result.rss_growth_mib, (rss.peak_kib - rss.start_kib) / 1024)
        if isinstance(out, dict):
            result.runs.append(out)
        del out
    if trace:
        gc.collect()
        tracemalloc.start()
        run()
        result.traced_peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        del out
    gc.collect()
    return result


def analyse_all(docs: list[Document]) -> dict[str, Any]:
    kept = [analyse(doc) for doc in docs]
    return {"facts": sum(len(a.facts) for a in kept)}


def _worker_init() -> None:
    analyse(read_document(DEFAULT_CORPUS / "2022-11-09-delegasi-kemensos-fukuoka.txt"))  # compile the finder


def _worker(path: Path) -> int:
    return len(analyse(read_document(path)).facts)


def analyse_parallel(paths: list[Path], jobs: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_worker_init) as pool:
        facts = sum(pool.imap(_worker, paths, chunksize=16))
    return {"facts": facts}


def build(paths: list[Path], workdir: Path, validate: bool) -> dict[str, Any]:
    from kg import store as kg_store
    started = time.perf_counter()
    dataset = build_dataset(paths)
    built = time.perf_counter()
    timings = {"build_dataset_s": round(built - started, 4)}
    if validate:
        from rdflib import Graph
        from kg.validate import validate_graph
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        report = validate_graph(union)
        timings["validate_s"] = round(time.perf_counter() - built, 4)
        timings["conforms"] = report.conforms
        built = time.perf_counter()
    store_dir = workdir / "store"
    summary = kg_store.write_store(store_dir, dataset)
    timings["write_store_s"] = round(time.perf_counter() - built, 4)
    timings["quads"] = summary.quads
    shutil.rmtree(store_dir, ignore_errors=True)
    return timings


# -- main -----------------------------------------------------------------------------------------------------


def set_ratios(results: list[Result]) -> None:
    base = {r.phase: r for r in results if r.docs == 100}
    for r in results:
        if r.phase in base:
            r.ratio = r.ms_per_doc / base[r.phase].ms_per_doc
            r.cpu_ratio = r.cpu_ms_per_doc / base[r.phase].cpu_ms_per_doc


def print_table(results: list[Result], stamp: dict[str, Any]) -> None:
    print(f"Build throughput, {stamp['date']}, {stamp['machine']}, code at {stamp['git']}; seed {stamp['seed']}; median of {stamp['repeat']} "
          f"(10,000: 1); synthetic releases average {stamp['synthetic_chars']:.0f} characters "
          f"(real: {stamp['real_chars']:.0f})\n")
    head = (f"{'phase':<22} {'docs':>6} {'median s':>9} {'docs/s':>8} {'ms/doc':>8} {'ratio':>6} {'CPU ms/doc':>10} "
            f"{'ratio':>6} {'peak MiB':>9} {'+MiB':>7} {'traced MiB':>11}  notes")
    print(head)
    print("-" * len(head))
    for r in results:
        traced = "—" if r.traced_peak_mib is None else f"{r.traced_peak_mib:.1f}"
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        notes = ", ".join(f"{k}={v}" for k, v in r.extra.items() if k not in ("facts",))
        cpu_ratio = "—" if r.cpu_ratio is None else f"{r.cpu_ratio:.2f}"
        print(f"{r.phase:<22} {r.docs:>6} {r.median:>9.3f} {r.docs_per_second:>8.1f} {r.ms_per_doc:>8.2f} {ratio:>6} "
              f"{r.cpu_ms_per_doc:>10.2f} {cpu_ratio:>6} {r.peak_rss_mib:>9.1f} {r.rss_growth_mib:>7.1f} {traced:>11}  {notes}")
    print("\nratio = (CPU) ms per release at this size ÷ the same at 100 releases, same phase, same process.\n"
          "CPU = user+system time of this process and its finished workers: less sensitive than wall time to\n"
          "other load on the machine. peak MiB: VmRSS, or with worker processes the sum of their and this\n"
          "process' Pss; +MiB: growth over the phase's start. "
          f"Load average before/after: {stamp['load_before']} / {stamp['load_after']}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="also 10,000 releases (extraction only, unless --build-large)")
    parser.add_argument("--build-large", action="store_true", help="with --large, also build_dataset of 10,000")
    parser.add_argument("--jobs", type=int, default=1, help="also time extraction over N worker processes (e.g. 2)")
    parser.add_argument("--repeat", type=int, default=3, help="timings per size (median reported; 10,000: once)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tracemalloc", action="store_true", help="extra untimed pass measuring the Python heap peak")
    parser.add_argument("--validate", action="store_true", help="include SHACL validation in the build timing")
    parser.add_argument("--no-build", action="store_true", help="time extraction only")
    parser.add_argument("--keep", type=Path, help="write the synthetic corpus here and keep it")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--json-out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)

    sizes = [100, 1000] + ([10000] if args.large else [])
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    pool = sentence_pool()
    workdir = Path(tempfile.mkdtemp(prefix="kg-throughput-"))
    try:
        folder = args.keep or workdir / "corpus"
        paths = write_corpus(folder, max(sizes), args.seed, pool)
        docs = [read_document(p) for p in paths]
        if len({d.slug for d in docs}) != len(docs):
            raise SystemExit("synthetic releases do not have unique slugs")
        synthetic_chars = statistics.fmean(len(d.body) for d in docs)
        for doc in docs[:20]:
            analyse(doc)  # warm-up: lexicons, compiled patterns

        results: list[Result] = []
        for n in sizes:
            repeat = 1 if n >= 10000 else args.repeat
            results.append(measure(Result("analyse", n), lambda n=n: analyse_all(docs[:n]), repeat, args.tracemalloc))
            if args.jobs > 1:
                results.append(measure(Result(f"analyse ({args.jobs} jobs)", n),
                                       lambda n=n: analyse_parallel(paths[:n], args.jobs), repeat, False))
        if not args.no_build:
            build_sizes = [n for n in sizes if n < 10000 or args.build_large]
            for n in build_sizes:
                repeat = 1 if n >= 10000 else args.repeat
                results.append(measure(Result("build_dataset+store", n),
                                       lambda n=n: build(paths[:n], workdir, args.validate), repeat, args.tracemalloc))
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    set_ratios(results)
    stamp = {"date": dt.date.today().isoformat(), "machine": machine(), "git": git_state(), "seed": args.seed, "repeat": args.repeat,
             "synthetic_chars": synthetic_chars, "real_chars": pool.real_chars, "pool_sentences": len(pool.sentences),
             "load_before": load_before, "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    payload = json.dumps({**stamp, "results": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2)
    if args.json_out:
        args.json_out.write_text(payload + "\n", encoding="utf-8")
    if args.json:
        print(payload)
    else:
        print_table(results, stamp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
