"""The `kemensos-kg` command: the store commands of `kg.cli` plus `serve`.

Every option falls back to an environment variable (named in its help), so a deployment can be
configured without flags; the secret update token is best given that way.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

from kg import cli as kg_cli
from kg.errors import KGError
from kg.query.depth import DEFAULT_MAX_CHAIN, DEFAULT_MAX_NESTING
from kg.query.evaluator import current_generation
from kg.store import generations as store
from server.config import ServerConfig


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KEMENSOS_KG_{name}", default)


def _port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {value!r}")
    return number


def _configure_serve(parser: argparse.ArgumentParser) -> None:
    """Every option's help ends with its default as this environment sets it (`%(default)s`)."""
    kg_cli._add_store_option(parser)
    parser.add_argument("--host", default=_env("HOST", "127.0.0.1"),
                        help="address to listen on (KEMENSOS_KG_HOST, default %(default)s)")
    parser.add_argument("--port", type=_port, default=_env("PORT", "8000"),
                        help="port to listen on (KEMENSOS_KG_PORT, default %(default)s)")
    parser.add_argument("--timeout", type=float, default=float(_env("TIMEOUT", "30")),
                        help="seconds a query may run before it is stopped (KEMENSOS_KG_TIMEOUT, default %(default)g)")
    parser.add_argument("--max-rows", type=int, default=int(_env("MAX_ROWS", "100000")),
                        help="result rows (or triples) at most; more are cut and flagged (KEMENSOS_KG_MAX_ROWS, "
                             "default %(default)s)")
    parser.add_argument("--max-body", type=int, default=int(_env("MAX_BODY", str(1 << 20))),
                        help="request body bytes at most; larger requests get 413 (KEMENSOS_KG_MAX_BODY, "
                             "default %(default)s)")
    parser.add_argument("--max-nesting", type=int, default=int(_env("MAX_NESTING", str(DEFAULT_MAX_NESTING))),
                        help="brackets and prefix operators a query or update may nest; deeper ones get 400 "
                             "before they are parsed (KEMENSOS_KG_MAX_NESTING, default %(default)s)")
    parser.add_argument("--max-chain", type=int, default=int(_env("MAX_CHAIN", str(DEFAULT_MAX_CHAIN))),
                        help="UNIONs, OPTIONALs, binary operators … a query may chain along one nested path; "
                             "longer chains get 400 (KEMENSOS_KG_MAX_CHAIN, default %(default)s)")
    parser.add_argument("--workers", type=int, default=int(_env("WORKERS", str(os.cpu_count() or 2))),
                        help="worker processes (KEMENSOS_KG_WORKERS, default %(default)s: one per core)")
    parser.add_argument("--threads", type=int, default=int(_env("THREADS", "4")),
                        help="queries each worker evaluates at once; it answers four times as many requests at once, so "
                             "that one waiting for a query slot or a slow reader holds up no other (KEMENSOS_KG_THREADS, "
                             "default %(default)s)")
    parser.add_argument("--cache-mb", type=int, default=int(_env("CACHE_MB", "16")),
                        help="megabytes of finished results each worker keeps for repeated queries; 0 turns the "
                             "cache off (KEMENSOS_KG_CACHE_MB, default %(default)s)")
    in_memory = _env("IN_MEMORY", "1").lower() not in ("0", "false", "no")
    parser.add_argument("--in-memory", action=argparse.BooleanOptionalAction, default=in_memory,
                        help="serve from an in-memory copy of the store, loaded in the background at start "
                             "(about 0.4 GB per million triples); --no-in-memory serves from disk only "
                             f"(KEMENSOS_KG_IN_MEMORY, default {'on' if in_memory else 'off'})")
    parser.add_argument("--service-allow", action="append", metavar="ENDPOINT",
                        default=_env("SERVICE_ALLOW", "").split(),
                        help="a SERVICE endpoint queries may federate to; repeatable; none by default "
                             "(KEMENSOS_KG_SERVICE_ALLOW, space-separated)")
    parser.add_argument("--update-token", default=os.environ.get("KEMENSOS_KG_UPDATE_TOKEN"),
                        help="secret that enables SPARQL Update and Graph Store writes with "
                             "'Authorization: Bearer <token>' (KEMENSOS_KG_UPDATE_TOKEN; read-only without it)")


def check_port(host: str, port: int) -> None:
    """Fail at once, saying why, when `host`:`port` cannot be listened on; gunicorn would retry for five
    seconds and end with "Can't connect to ('127.0.0.1', 8000)"."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise KGError(f"cannot listen on {host!r}: {exc}") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise KGError(f"port {port} is in use; choose another with --port") from None
            raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _run_serve(args: argparse.Namespace) -> int:
    from server.wsgi import Server

    check_port(args.host, args.port)
    if not current_generation(Path(args.store)):
        state = "is empty" if Path(args.store).exists() else "does not exist"
        print(f"the store at {args.store} {state}: building it from the bundled corpus before serving",
              file=sys.stderr, flush=True)
        # in a child process: the server forks its workers, and a process that has opened RocksDB must not
        if subprocess.run([sys.executable, "-m", "kg.cli", "build", "--store", str(args.store)]).returncode != 0:
            return 1
    swept = store.sweep(Path(args.store))
    if swept.generations or swept.temporary_files:
        print(f"{args.store}: {swept.summary()}", file=sys.stderr)
    config = ServerConfig(
        store_dir=Path(args.store).resolve(), timeout=args.timeout, max_rows=args.max_rows, max_body=args.max_body,
        update_token=args.update_token or None, service_allow=tuple(args.service_allow), host=args.host,
        port=args.port, workers=args.workers, threads=args.threads, cache_mb=args.cache_mb, in_memory=args.in_memory,
        max_nesting=args.max_nesting, max_chain=args.max_chain, evaluation="worker",
    )
    print(f"serving {config.store_dir} on http://{config.host}:{config.port}/sparql "
          f"({'read-only' if config.read_only else 'updates with token'}, timeout {config.timeout:g} s)", file=sys.stderr)
    Server(config).run()
    return 0


SERVE = kg_cli.Subcommand("serve the store over SPARQL 1.1 (a missing or empty store is built from the bundled "
                          "corpus first)", _configure_serve, _run_serve)


def main(argv: list[str] | None = None) -> int:
    return kg_cli.main(argv, extra={"serve": SERVE})


if __name__ == "__main__":
    raise SystemExit(main())
