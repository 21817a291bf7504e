#!/usr/bin/env python3
"""Throughput and memory of `kemensos-kg build` on synthetic corpora made from the real releases.

    .venv/bin/python bench/build_throughput.py [--large] [--jobs 1 2] [--repeat 3] [--json-out FILE]

1. The bundled releases (corpus/*.txt, corpus/dev/*.txt) are split into sentences with the pipeline's own
   normaliser and splitter; datelines lose their "CITY (date) -" prefix.
2. A synthetic release is a header block (`source:`, `title:`, `date:`; the date is unique, so is the
   slug `<date>-<title words>`), a dateline ("JAKARTA (3 Maret 2021) - ") and sentences drawn from the pool
   (random.Random(--seed), default 42): as many as a real release has (drawn from the real releases'
   sentence counts), 1-3 sentences per paragraph. The corpora of 100, 1,000 and (--large) 10,000 releases
   are prefixes of one stream, so every size is made of the same kind of document.
3. Each run is the real thing: `python -m kg.cli build CORPUS --store DIR --jobs N` in a fresh process,
   into a fresh store (so every release is extracted; validation included), for each size and each
   `--jobs` value, --repeat times (10,000: once); medians are reported. A build that fails fails the
   benchmark.
4. Printed per size and job count: releases per second, releases per second per core (÷ jobs), ms per
   release, CPU-ms per release (user + system time of the build and its workers; less sensitive than
   wall time to other load on the machine), the ratio of ms and of CPU-ms per release to the 100-release
   run with the same job count, and peak memory of the process tree, sampled every 50 ms from /proc: the
   sum of resident set sizes (RSS; forked workers' shared pages count once per process) and of
   proportional set sizes (PSS; shared pages divided among the processes sharing them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.provenance import git_state, machine  # noqa: E402
from kg.build.inputs import DEFAULT_CORPUS, collect_inputs  # noqa: E402
from kg.extract.document import read_document  # noqa: E402
from kg.extract.text import DATELINE, normalise, split_sentences  # noqa: E402

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
DATELINE_PLACES = ("JAKARTA", "BEKASI", "SUKABUMI", "TABANAN", "FUKUOKA", "KENDARI", "TOKYO")
TITLE_WORDS = ("Kemensos", "Sentra", "Layanan", "Atensi", "Rehabilitasi", "Sosial", "Delegasi", "Kunjungan",
               "Bantuan", "Penyandang", "Disabilitas", "Kelompok", "Rentan", "Program", "Kerja", "Sama")
START_DATE = dt.date(2000, 1, 1)
SUMMARY = re.compile(r"built (\d+) quads in (\d+) graphs from (\d+) documents \((\d+) extracted, (\d+) unchanged"
                     r"(?:; (\d+) kept from the previous generation)?\)")


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


def write_corpora(folder: Path, sizes: list[int], seed: int, pool: Pool) -> dict[int, Path]:
    """One folder per size, each holding the first `size` releases of one stream (hard links)."""
    rng = random.Random(seed)
    releases = folder / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(max(sizes)):
        path = releases / f"{i:05d}.txt"
        path.write_text(synthetic_release(i, rng, pool), encoding="utf-8")
        paths.append(path)
    corpora = {}
    for n in sizes:
        corpora[n] = folder / f"corpus-{n}"
        corpora[n].mkdir()
        for path in paths[:n]:
            os.link(path, corpora[n] / path.name)
    return corpora


# -- memory of a process tree -----------------------------------------------------------------------------


def _kib(pid: int, filename: str, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/{filename}", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as fh:
                    stack.extend(int(child) for child in fh.read().split())
        except OSError:
            pass
    return found


class TreeSampler:
    """Peak RSS and PSS sums of a process tree, sampled every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss_kib = self.peak_pss_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            self.peak_rss_kib = max(self.peak_rss_kib, sum(_kib(p, "status", "VmRSS:") for p in pids))
            self.peak_pss_kib = max(self.peak_pss_kib, sum(_kib(p, "smaps_rollup", "Pss:") for p in pids))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# -- runs -------------------------------------------------------------------------------------------------


@dataclass
class Result:
    docs: int
    jobs: int
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    peak_pss_mib: list[float] = field(default_factory=list)
    quads: int = 0
    ratio: float | None = None
    cpu_ratio: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.median

    @property
    def per_core(self) -> float:
        return self.docs_per_second / self.jobs

    @property
    def ms_per_doc(self) -> float:
        return 1000 * self.median / self.docs

    @property
    def cpu_ms_per_doc(self) -> float:
        return 1000 * statistics.median(self.cpu_seconds) / self.docs

    def as_dict(self) -> dict[str, Any]:
        return {
            "docs": self.docs, "jobs": self.jobs, "seconds": [round(s, 3) for s in self.seconds],
            "median_seconds": round(self.median, 3), "docs_per_second": round(self.docs_per_second, 2),
            "docs_per_second_per_core": round(self.per_core, 2), "ms_per_doc": round(self.ms_per_doc, 2),
            "cpu_ms_per_doc": round(self.cpu_ms_per_doc, 2),
            "ratio_to_100": None if self.ratio is None else round(self.ratio, 3),
            "cpu_ratio_to_100": None if self.cpu_ratio is None else round(self.cpu_ratio, 3),
            "peak_rss_mib": round(max(self.peak_rss_mib), 1), "peak_pss_mib": round(max(self.peak_pss_mib), 1),
            "quads": self.quads,
        }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_once(corpus: Path, store: Path, jobs: int, result: Result) -> None:
    """One `kemensos-kg build` from scratch; raises if it fails."""
    shutil.rmtree(store, ignore_errors=True)
    cpu = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(store), "--jobs", str(jobs)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid)
    out, err = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"build of {corpus} failed ({process.returncode}):\n{err[-4000:]}")
    summary = SUMMARY.search(out)
    if summary is None or int(summary.group(3)) != result.docs or int(summary.group(4)) != result.docs:
        raise SystemExit(f"unexpected build summary: {out!r}")
    result.quads = int(summary.group(1))
    result.seconds.append(elapsed)
    result.cpu_seconds.append(_children_cpu() - cpu)
    result.peak_rss_mib.append(sampler.peak_rss_kib / 1024)
    result.peak_pss_mib.append(sampler.peak_pss_kib / 1024)
    shutil.rmtree(store, ignore_errors=True)


def set_ratios(results: list[Result]) -> None:
    base = {r.jobs: r for r in results if r.docs == 100}
    for r in results:
        if r.jobs in base:
            r.ratio = r.ms_per_doc / base[r.jobs].ms_per_doc
            r.cpu_ratio = r.cpu_ms_per_doc / base[r.jobs].cpu_ms_per_doc


def print_table(results: list[Result], stamp: dict[str, Any]) -> None:
    print(f"kemensos-kg build, {stamp['date']}, {stamp['machine']}, code at {stamp['git']}; seed {stamp['seed']}; "
          f"median of {stamp['repeat']} (10,000: 1); synthetic releases average {stamp['synthetic_chars']:.0f} characters "
          f"(real: {stamp['real_chars']:.0f})\n")
    head = (f"{'releases':>8} {'jobs':>4} {'median s':>9} {'rel/s':>7} {'rel/s/core':>10} {'ms/rel':>7} {'ratio':>6} "
            f"{'CPU ms/rel':>10} {'ratio':>6} {'peak RSS MiB':>12} {'peak PSS MiB':>12} {'quads':>10}")
    print(head)
    print("-" * len(head))
    for r in results:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}"
        cpu_ratio = "—" if r.cpu_ratio is None else f"{r.cpu_ratio:.2f}"
        print(f"{r.docs:>8} {r.jobs:>4} {r.median:>9.2f} {r.docs_per_second:>7.1f} {r.per_core:>10.1f} {r.ms_per_doc:>7.2f} "
              f"{ratio:>6} {r.cpu_ms_per_doc:>10.2f} {cpu_ratio:>6} {max(r.peak_rss_mib):>12.1f} {max(r.peak_pss_mib):>12.1f} "
              f"{r.quads:>10}")
    print("\nrel/s/core = releases per second ÷ jobs. ratio = (CPU) ms per release ÷ the same at 100 releases, same jobs.\n"
          "CPU = user+system time of the build process and its workers. Peak RSS/PSS: sums over the build's process tree.\n"
          f"Load average before/after: {stamp['load_before']} / {stamp['load_after']}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="also 10,000 releases")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="job counts to run (default: 1 2)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size and job count (median reported; 10,000: once)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="write the synthetic corpora here and keep them")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--json-out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)

    sizes = [100, 1000] + ([10000] if args.large else [])
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    pool = sentence_pool()
    workdir = Path(tempfile.mkdtemp(prefix="kg-throughput-"))
    try:
        corpora = write_corpora(args.keep or workdir / "corpora", sizes, args.seed, pool)
        synthetic_chars = statistics.fmean(len(read_document(p).body) for p in sorted(corpora[max(sizes)].iterdir()))
        results: list[Result] = []
        for n in sizes:
            for jobs in args.jobs:
                result = Result(n, jobs)
                for _ in range(1 if n >= 10000 else args.repeat):
                    build_once(corpora[n], workdir / "store", jobs, result)
                results.append(result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    set_ratios(results)
    stamp = {"date": dt.date.today().isoformat(), "machine": machine(), "git": git_state(), "seed": args.seed,
             "repeat": args.repeat, "synthetic_chars": synthetic_chars, "real_chars": pool.real_chars,
             "pool_sentences": len(pool.sentences), "load_before": load_before,
             "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg())}
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
