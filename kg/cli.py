"""Command line: ``kemensos-kg build | query | export | validate | load`` (``serve`` is added by
``server.cli``, so that ``kg`` never depends on the server).

Each subcommand is a ``Subcommand`` in ``SUBCOMMANDS`` (a function adding its arguments, a
function running it), so a new one (``serve``, ``load``) is one entry. Every option with a
default can also be set by an environment variable, named in its help. Expected failures are
``KGError``s: printed as ``kemensos-kg: error: ...`` with their exit status, never a traceback.

The pipeline and the validator are imported where they are used, so ``query`` and ``export``
do not pay for loading the extraction code and pySHACL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from rdflib import Dataset, Graph

from kg.errors import DocumentError, KGError, QueryError, ValidationError
from kg.extract.document import MAX_BYTES as MAX_INPUT_BYTES
from kg.query.depth import check_depth
from kg.store import generations as store

PROG = "kemensos-kg"
STORE_ENV = "KEMENSOS_KG_STORE"
DEFAULT_STORE = Path("data/store")
QUERY_FORMAT_ENV = "KEMENSOS_KG_QUERY_FORMAT"
EXPORT_FORMAT_ENV = "KEMENSOS_KG_EXPORT_FORMAT"
DEFAULT_EXPORT_FORMAT = "nq"
JOBS_ENV = "KEMENSOS_KG_JOBS"
MAX_INPUT_BYTES_ENV = "KEMENSOS_KG_MAX_INPUT_BYTES"


class Subcommand(NamedTuple):
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _one_of(choices: Sequence[str]) -> Callable[[str], str]:
    """An argparse ``type`` checking membership: unlike ``choices=`` it also checks env defaults."""

    def check(value: str) -> str:
        if value not in choices:
            raise argparse.ArgumentTypeError(f"invalid choice: {value!r} (choose from {', '.join(choices)})")
        return value

    return check


def _add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        default=os.environ.get(STORE_ENV, str(DEFAULT_STORE)),
        metavar="DIR",
        help=f"store directory (env {STORE_ENV}, default %(default)s)",
    )


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()  # keep earlier text output in order
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs as one rdflib Graph: the shapes apply to the merged graph."""
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _validate(dataset: Dataset, what: str) -> None:
    """Raise ValidationError, carrying the SHACL report, unless ``dataset`` conforms."""
    from kg.validate.shacl import validate_graph

    report = validate_graph(_union_graph(dataset))
    if not report.conforms:
        raise ValidationError(f"{what} does not conform to the shapes: {report.violations} violation(s)", report.text)


# --- build --------------------------------------------------------------------------------


def _configure_build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT",
        help="press release text or HTML files, folders, or http(s) URLs (default: the bundled corpus)",
    )
    _add_store_option(parser)
    parser.add_argument(
        "--jobs", type=_positive, default=os.environ.get(JOBS_ENV), metavar="N",
        help=f"worker processes (env {JOBS_ENV}, default: one per available core)",
    )
    parser.add_argument(
        "--max-input-bytes", type=_positive, default=os.environ.get(MAX_INPUT_BYTES_ENV, str(MAX_INPUT_BYTES)),
        metavar="BYTES",
        help=f"size limit of every input: text file, HTML file or fetched page (env {MAX_INPUT_BYTES_ENV}, "
             "default %(default)s)",
    )


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return number


def build(inputs: Sequence[str], store_dir: Path, jobs: int | None = None,
          max_input_bytes: int = MAX_INPUT_BYTES) -> str:
    """Extract, validate and swap in a new store; returns the one-line summary."""
    from kg.build.builder import build_store
    from kg.build.cache import AnalysisCache
    from kg.extract import ingest

    started = time.perf_counter()
    for item in inputs:
        if not ingest.is_url(item) and not Path(item).exists():
            raise DocumentError(f"input not found: {item}")
    cache = AnalysisCache(Path(store_dir) / "cache" / "analyses")
    # validated document by document while it is written; a bad build leaves the store alone
    result = build_store(inputs, store_dir, Path(store_dir) / "sources", cache, jobs, max_input_bytes)
    return result.summary(store_dir, time.perf_counter() - started)


def _run_build(args: argparse.Namespace) -> int:
    print(build(args.inputs, args.store, args.jobs, args.max_input_bytes))
    return 0


# --- query --------------------------------------------------------------------------------


def _configure_query(parser: argparse.ArgumentParser) -> None:
    _add_store_option(parser)
    parser.add_argument("query", metavar="QUERY|FILE.rq", help="SPARQL query text, or a file holding it")
    parser.add_argument(
        "--format",
        type=_one_of(store.QUERY_FORMATS),
        default=os.environ.get(QUERY_FORMAT_ENV),
        metavar="{" + ",".join(store.QUERY_FORMATS) + "}",
        help=f"result format (env {QUERY_FORMAT_ENV}; default json for SELECT/ASK, ttl for CONSTRUCT/DESCRIBE)",
    )


QUERY_FILE_SUFFIXES = (".rq", ".sparql")


def _query_text(argument: str) -> str:
    """The query an argument stands for: a file when it names an existing path or, being one line, ends in
    .rq or .sparql (a missing one is "not found", never parsed as SPARQL); otherwise the query itself."""
    try:
        exists = Path(argument).exists()
    except (OSError, ValueError):  # e.g. a long query is "File name too long"
        exists = False
    names_file = "\n" not in argument and argument.strip().lower().endswith(QUERY_FILE_SUFFIXES)
    if not (exists or names_file):
        return argument
    path = Path(argument)
    if not exists:
        raise QueryError(f"query file not found: {argument}")
    if path.is_dir():
        raise QueryError(f"{argument} is a directory, not a query file")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read the query file {argument}: {exc}") from exc


def _run_query(args: argparse.Namespace) -> int:
    text = _query_text(args.query)
    check_depth(text)  # a deeper query could overflow pyoxigraph's parser and crash the process
    _write_stdout(store.query(store.open_store(args.store), text, args.format))
    return 0


# --- export -------------------------------------------------------------------------------


def _configure_export(parser: argparse.ArgumentParser) -> None:
    _add_store_option(parser)
    parser.add_argument(
        "--format",
        type=_one_of(store.EXPORT_FORMATS),
        default=os.environ.get(EXPORT_FORMAT_ENV, DEFAULT_EXPORT_FORMAT),
        metavar="{" + ",".join(store.EXPORT_FORMATS) + "}",
        help=f"nq/trig keep the graphs, ttl/nt/jsonld merge them (env {EXPORT_FORMAT_ENV}, default {DEFAULT_EXPORT_FORMAT})",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout")


def _run_export(args: argparse.Namespace) -> int:
    opened = store.open_store(args.store)
    unit = "quads" if args.format in store.DATASET_EXPORT_FORMATS else "triples"
    if args.output is None:
        sys.stdout.flush()
        count = store.export(opened, args.format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        print(f"exported {count} {unit} as {args.format}", file=sys.stderr)
    else:
        try:
            with args.output.open("wb") as out:
                count = store.export(opened, args.format, out)
        except OSError as exc:
            raise KGError(f"cannot write {args.output}: {exc}") from exc
        print(f"exported {count} {unit} as {args.format} to {args.output}")
    return 0


# --- load ---------------------------------------------------------------------------------


def _configure_load(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="RDF files (.ttl .nt .nq .trig .rdf .jsonld)")
    parser.add_argument("--graph", metavar="IRI", help="named graph to load into (default: the default graph; "
                        "quads of .nq/.trig files keep their own graphs)")
    parser.add_argument("--base", metavar="IRI", help="base IRI for relative IRIs in the files")
    _add_store_option(parser)


def _run_load(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    summary = store.load_files(args.store, args.files, args.graph, args.base)
    target = f"graph <{args.graph}>" if args.graph else "the default graph"
    print(f"loaded {len(args.files)} file(s) into {target} of {args.store}: {summary.quads} quads in the store "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


# --- validate -----------------------------------------------------------------------------


def _configure_validate(parser: argparse.ArgumentParser) -> None:
    _add_store_option(parser)


def _run_validate(args: argparse.Namespace) -> int:
    opened = store.open_store(args.store)
    _validate(store.to_rdflib(opened), f"the store at {args.store}")
    print(f"conforms: {store.count_quads(opened)} quads, 0 violations")
    return 0


# --- clean --------------------------------------------------------------------------------


def _configure_clean(parser: argparse.ArgumentParser) -> None:
    _add_store_option(parser)


def _run_clean(args: argparse.Namespace) -> int:
    print(f"{args.store}: {store.sweep(args.store).summary()}")
    return 0


# --- publish ------------------------------------------------------------------------------


def _configure_publish(parser: argparse.ArgumentParser) -> None:
    _add_store_option(parser)
    parser.add_argument("--to", required=True, metavar="URL",
                        help="the target's SPARQL 1.1 Graph Store endpoint (graphs go to URL?graph=IRI)")
    parser.add_argument("--query-url", metavar="URL", help="the target's SPARQL query endpoint, where the "
                        "triples of each graph are counted afterwards (default: the --to URL)")
    parser.add_argument("--user", metavar="U", help="user name for HTTP Basic or Digest authentication "
                        "(the target's challenge decides which)")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password-env", metavar="VAR", help="environment variable holding the --user's password")
    secret.add_argument("--token-env", metavar="VAR", help="environment variable holding a bearer token")
    parser.add_argument("--changed-only", action="store_true",
                        help="send only the graphs whose content differs from what this store last sent to URL")


def _secret(variable: str | None) -> str | None:
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        raise KGError(f"the environment variable {variable} is not set or empty")
    return value


def _run_publish(args: argparse.Namespace) -> int:
    from kg.store.gsp import Credentials, Target
    from kg.store.publish import publish

    if args.password_env and not args.user:
        raise KGError("--password-env needs --user")
    credentials = Credentials(args.user, _secret(args.password_env), _secret(args.token_env))
    target = Target(args.to, args.query_url, credentials)
    try:
        report = publish(args.store, target, args.changed_only, say=print)
    finally:
        target.close()
    print(report.summary())
    return 0


SUBCOMMANDS: dict[str, Subcommand] = {
    "build": Subcommand("extract the press releases, validate, and replace the store", _configure_build, _run_build),
    "query": Subcommand("run a SPARQL query on the store", _configure_query, _run_query),
    "export": Subcommand("dump the store as RDF", _configure_export, _run_export),
    "validate": Subcommand("check the stored graph against the SHACL shapes", _configure_validate, _run_validate),
    "load": Subcommand("bulk-load RDF files into the store (reference data, other graphs)", _configure_load, _run_load),
    "clean": Subcommand("remove what killed builds left in the store (the next build, load or serve does too)",
                        _configure_clean, _run_clean),
    "publish": Subcommand("send the graphs to another SPARQL store (Graph Store Protocol), verified by counts",
                          _configure_publish, _run_publish),
}


def build_parser(extra: dict[str, Subcommand] | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; `extra` adds those defined outside `kg` (the server's `serve`)."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Knowledge graph of Kementerian Sosial press releases, with provenance."
    )
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    for name, command in {**SUBCOMMANDS, **(extra or {})}.items():
        sub = commands.add_parser(name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None, extra: dict[str, Subcommand] | None = None) -> int:
    """Run the CLI; returns the exit status (argparse's own exits, e.g. --help, included)."""
    parser = build_parser(extra)
    if not (sys.argv[1:] if argv is None else argv):  # no command: say which there are
        parser.print_help(sys.stderr)
        print(f"{PROG}: error: no command given; '{PROG} COMMAND --help' tells what one does", file=sys.stderr)
        return 2
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return args.run(args)
    except KGError as exc:
        if isinstance(exc, ValidationError):
            print(exc.report_text, file=sys.stderr)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
