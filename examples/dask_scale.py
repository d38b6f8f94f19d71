"""One large run spread over a Dask cluster, and a set of variants run side by side.

A run of N iterations is cut into ranges; each worker runs its ranges with
``scenario.run(iterations=n, first_iteration=k)`` and sends the results back, and
``ontschot.Results.merge`` joins them into the results of one run of all N iterations, bit for
bit. Variants (here the share of eligible people who take part) run one per task on the same
seed, so every parameter they share gets the same draws.

    .venv/bin/python examples/dask_scale.py --workers 2 --iterations 20000
    .venv/bin/python examples/dask_scale.py --scheduler tcp://10.0.0.5:8786   # a cluster of machines

Needs the optional extra: ``pip install ".[dask]"``. See docs/scale.md.
"""

from __future__ import annotations

import argparse
import sys
import time

import ontschot


def run_range(scenario: ontschot.Scenario, first: int, iterations: int, seed: int) -> ontschot.Results:
    """One range of the run on one worker: one thread, as the worker is one core."""
    return scenario.run(iterations=iterations, first_iteration=first, seed=seed, threads=1, progress=False)


def ranges(iterations: int, pieces: int) -> list[tuple[int, int]]:
    """``(first, count)`` of ``pieces`` ranges of nearly equal size covering ``iterations``."""
    pieces = max(1, min(pieces, iterations))
    size, extra = divmod(iterations, pieces)
    out, first = [], 0
    for k in range(pieces):
        n = size + (1 if k < extra else 0)
        out.append((first, n))
        first += n
    return out


def spread(client, scenario: ontschot.Scenario, iterations: int, seed: int, pieces: int) -> ontschot.Results:
    """The whole run, its ranges computed on the cluster's workers and merged here."""
    futures = [client.submit(run_range, scenario, first, n, seed, pure=False) for first, n in ranges(iterations, pieces)]
    return ontschot.Results.merge(client.gather(futures))


def summarise(scenario: ontschot.Scenario, iterations: int, seed: int) -> ontschot.Summaries:
    """One worker's task for a variant: only its summaries (tens of kilobytes) to send back."""
    return scenario.summarise(iterations=iterations, seed=seed, threads=1, progress=False)


def variants(client, scenario: ontschot.Scenario, values: dict[str, dict[str, float]], iterations: int, seed: int):
    """Each variant as one task on the same seed; who pays per payer for each, side by side."""
    tasks = {name: client.submit(summarise, scenario.with_values(v), iterations, seed, pure=False) for name, v in values.items()}
    nets = {name: f.result().who_pays(by="payer")["net"] for name, f in tasks.items()}
    import pandas as pd

    return pd.DataFrame(nets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="samenoud", help="a seed name or a scenario file")
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2, help="local worker processes, one per core")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler instead of a local cluster")
    parser.add_argument("--pieces", type=int, help="ranges to cut the run into (default: 4 per worker)")
    parser.add_argument("--check", action="store_true", help="also run in this process and compare bit for bit")
    args = parser.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    scenario = (
        ontschot.seeds.load(args.scenario) if args.scenario in ontschot.seeds.names() else ontschot.Scenario.from_file(args.scenario)
    )
    if args.scheduler:
        client, cluster = Client(args.scheduler), None
    else:
        # One thread per worker process: the simulation releases the GIL, but a process per core
        # keeps each worker's memory its own and matches how a cluster of machines behaves.
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        workers = len(client.scheduler_info()["workers"])
        pieces = args.pieces or 4 * max(workers, 1)
        start = time.perf_counter()
        merged = spread(client, scenario, args.iterations, args.seed, pieces)
        took = time.perf_counter() - start
        print(f"{scenario.name}: {args.iterations:,} iterations in {pieces} ranges on {workers} workers, {took:.2f} s")
        print(merged.who_pays(by="payer"))
        if args.check:
            single = scenario.run(iterations=args.iterations, seed=args.seed, progress=False)
            same = merged == single
            print(f"merged ranges equal one run of all iterations, bit for bit: {same}")
            if not same:
                return 1
        if "uptake" in scenario.to_dict()["parameters"]:
            table = variants(
                client,
                scenario,
                {f"uptake {u:.0%}": {"uptake": u} for u in (0.3, 0.5, 0.7)},
                max(args.iterations // 10, 100),
                args.seed,
            )
            print("\nnet per payer for three levels of uptake (same draws otherwise):")
            print(table.round(0))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
