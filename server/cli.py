"""The `kemensos-kg` command: the store commands of `kg.cli` plus `serve`.

Every option falls back to an environment variable (named in its help), so a deployment can be
configured without flags; the secret update token is best given that way.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from kg import cli as kg_cli
from kg.query.evaluator import current_generation
from server.config import ServerConfig


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KEMENSOS_KG_{name}", default)


def _configure_serve(parser: argparse.ArgumentParser) -> None:
    kg_cli._add_store_option(parser)
    parser.add_argument("--host", default=_env("HOST", "127.0.0.1"), help="address to listen on (KEMENSOS_KG_HOST)")
    parser.add_argument("--port", type=int, default=int(_env("PORT", "8000")), help="port (KEMENSOS_KG_PORT)")
    parser.add_argument("--timeout", type=float, default=float(_env("TIMEOUT", "30")),
                        help="seconds a query may run before it is stopped (KEMENSOS_KG_TIMEOUT, default 30)")
    parser.add_argument("--max-rows", type=int, default=int(_env("MAX_ROWS", "100000")),
                        help="result rows (or triples) at most; more are cut and flagged (KEMENSOS_KG_MAX_ROWS)")
    parser.add_argument("--max-body", type=int, default=int(_env("MAX_BODY", str(1 << 20))),
                        help="request body bytes at most; larger requests get 413 (KEMENSOS_KG_MAX_BODY)")
    parser.add_argument("--workers", type=int, default=int(_env("WORKERS", str(os.cpu_count() or 2))),
                        help="worker processes (KEMENSOS_KG_WORKERS, default: one per core)")
    parser.add_argument("--threads", type=int, default=int(_env("THREADS", "4")),
                        help="concurrent requests per worker (KEMENSOS_KG_THREADS)")
    parser.add_argument("--cache-mb", type=int, default=int(_env("CACHE_MB", "16")),
                        help="megabytes of finished results each worker keeps for repeated queries; 0 turns the "
                             "cache off (KEMENSOS_KG_CACHE_MB, default 16)")
    parser.add_argument("--in-memory", action=argparse.BooleanOptionalAction,
                        default=_env("IN_MEMORY", "1").lower() not in ("0", "false", "no"),
                        help="serve from an in-memory copy of the store, loaded in the background at start "
                             "(about 0.4 GB per million triples); --no-in-memory serves from disk only "
                             "(KEMENSOS_KG_IN_MEMORY, default on)")
    parser.add_argument("--service-allow", action="append", metavar="ENDPOINT",
                        default=_env("SERVICE_ALLOW", "").split(),
                        help="a SERVICE endpoint queries may federate to; repeatable; none by default "
                             "(KEMENSOS_KG_SERVICE_ALLOW, space-separated)")
    parser.add_argument("--update-token", default=os.environ.get("KEMENSOS_KG_UPDATE_TOKEN"),
                        help="secret that enables SPARQL Update and Graph Store writes with "
                             "'Authorization: Bearer <token>' (KEMENSOS_KG_UPDATE_TOKEN; read-only without it)")


def _run_serve(args: argparse.Namespace) -> int:
    from server.wsgi import Server

    if not current_generation(Path(args.store)):
        print(f"the store at {args.store} is empty: building it from the bundled corpus", file=sys.stderr)
        # in a child process: the server forks its workers, and a process that has opened RocksDB must not
        if subprocess.run([sys.executable, "-m", "kg.cli", "build", "--store", str(args.store)]).returncode != 0:
            return 1
    config = ServerConfig(
        store_dir=Path(args.store).resolve(), timeout=args.timeout, max_rows=args.max_rows, max_body=args.max_body,
        update_token=args.update_token or None, service_allow=tuple(args.service_allow), host=args.host,
        port=args.port, workers=args.workers, threads=args.threads, cache_mb=args.cache_mb, in_memory=args.in_memory,
        evaluation="worker",
    )
    print(f"serving {config.store_dir} on http://{config.host}:{config.port}/sparql "
          f"({'read-only' if config.read_only else 'updates with token'}, timeout {config.timeout:g} s)", file=sys.stderr)
    Server(config).run()
    return 0


SERVE = kg_cli.Subcommand("serve the store over SPARQL 1.1 (builds it first when empty)", _configure_serve, _run_serve)


def main(argv: list[str] | None = None) -> int:
    return kg_cli.main(argv, extra={"serve": SERVE})


if __name__ == "__main__":
    raise SystemExit(main())
