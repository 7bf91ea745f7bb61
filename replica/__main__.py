"""Command line: ``python -m replica --port 8000 [--seed N] [--host H] [--verbose]``."""

import argparse

from replica.content import DEFAULT_SEED
from replica.server import CLI_PORT, DEFAULT_HOST, serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m replica", description="Serve the local wxrb.com replica."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, default=CLI_PORT, help=f"port (default {CLI_PORT}; 0 = any free port)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"content seed (default {DEFAULT_SEED})"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    serve_forever(args.host, args.port, args.seed, args.verbose)


if __name__ == "__main__":
    main()
