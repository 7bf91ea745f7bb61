"""Command line: ``python -m replica --port 8000 [--seed N] [--host H] [--verbose]
[--faults [--fault-seed N] [--fault-kinds a,b] [--waf-block] [--challenge-all]]``."""

import argparse

from replica.content import DEFAULT_SEED
from replica.faults import DEFAULT_SEED as DEFAULT_FAULT_SEED
from replica.faults import KINDS, FaultPlan
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
    faults = parser.add_argument_group("fault mode (see replica/README.md)")
    faults.add_argument("--faults", action="store_true", help="serve with a FaultPlan")
    faults.add_argument(
        "--fault-seed",
        type=int,
        default=DEFAULT_FAULT_SEED,
        help=f"which paths misbehave (default {DEFAULT_FAULT_SEED})",
    )
    faults.add_argument(
        "--fault-kinds",
        default=",".join(KINDS),
        help="comma-separated per-path kinds to switch on (default: all)",
    )
    faults.add_argument("--waf-block", action="store_true", help="every request answers 403 (safedog)")
    faults.add_argument(
        "--challenge-all", action="store_true", help="every request answers the cookie challenge"
    )
    args = parser.parse_args(argv)
    plan = None
    if args.faults or args.waf_block or args.challenge_all:
        kinds = [k.strip() for k in args.fault_kinds.split(",") if k.strip()] if args.faults else []
        try:
            plan = FaultPlan.only(
                *kinds, seed=args.fault_seed, waf_block=args.waf_block, challenge_all=args.challenge_all
            )
        except ValueError as error:
            parser.error(str(error))
    serve_forever(args.host, args.port, args.seed, args.verbose, faults=plan)


if __name__ == "__main__":
    main()
