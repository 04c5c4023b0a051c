"""``bulletin serve``: the read-only web console and JSON data API over a store (docs/console.md).

Listens on 127.0.0.1 unless told otherwise; any other address needs a token or a user and
password in the environment (:mod:`bulletin_crawler.console.access`). The socket is bound here,
before the server starts, so a port in use is one clear line, and ``--port 0`` picks a free one
(the first line printed names it).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys

from bulletin_crawler.console.access import PASSWORD_ENV, TOKEN_ENV, USER_ENV, Access, bind_problem
from bulletin_crawler.redaction import redact
from bulletin_crawler.runner import EXIT_BAD_INPUT, project_settings
from bulletin_crawler.scheduling.state import open_state
from bulletin_crawler.scheduling.status import due_function
from bulletin_crawler.sites import load_registry
from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("serve", help="the web console and JSON data API over a store")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI),
                        help="store URI (default $BULLETIN_STORE, else the embedded store)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1; any other "
                                       f"needs {TOKEN_ENV} or {USER_ENV}/{PASSWORD_ENV})")
    parser.add_argument("--port", type=int, help="port (default 8080; 0 picks a free one)")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = project_settings(sites=args.sites)
    host = args.host or settings.get("BULLETIN_CONSOLE_HOST")
    port = settings.getint("BULLETIN_CONSOLE_PORT") if args.port is None else args.port
    access = Access(token=settings.get("BULLETIN_CONSOLE_TOKEN") or "",
                    user=settings.get("BULLETIN_CONSOLE_USER") or "",
                    password=settings.get("BULLETIN_CONSOLE_PASSWORD") or "")
    if problem := bind_problem(host, access):
        print(f"bulletin serve: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    store = open_store(args.store, create=False, server_timeout_ms=3000)
    state = open_state(args.store, server_timeout_ms=3000, create=False)
    try:
        listener = _listen(host, port)
        from bulletin_crawler.console.app import create_app

        app = create_app(store, load_registry(args.sites), access=access,
                         max_attempts=settings.getint("BULLETIN_MAX_ATTEMPTS"),
                         due=due_function(settings, state))
        bound_host, bound_port = listener.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        print(f"bulletin console on http://{shown}:{bound_port}/ (store {redact(args.store)}, "
              f"access: {access.described}); Ctrl-C stops it", flush=True)
        _serve(app, listener)
    finally:
        state.close()
        store.close()
    return 0


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)[0]
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)  # connections wait for the server from the first line printed
    except OSError as error:
        raise OSError(error.errno, f"cannot listen on {host}:{port}: "
                                   f"{error.strerror or error}") from None
    return listener


def _serve(app: object, listener: socket.socket) -> None:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    uvicorn.Server(config).run(sockets=[listener])
