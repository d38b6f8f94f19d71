"""Side-by-side timings of the Python package against the CLI, in one run on one machine.

Measures (issue: the Python package):
  1. the overhead of ``Scenario.run()`` for a one-iteration run (target: under 5 ms);
  2. a 100,000-iteration SamenOud run with its summary, from Python and from the CLI
     (target: Python within 10% of the CLI).

Run after ``bash scripts/test.sh`` (which builds both):  .venv/bin/python benches/python_vs_cli.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import ontschot

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "target" / "release" / "ontschot"


def one_iteration_overhead(repeats: int = 200) -> float:
    s = ontschot.seeds.samenoud()
    s.run(iterations=1, progress=False)  # warm up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        s.run(iterations=1, progress=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def python_run(n: int) -> float:
    s = ontschot.Scenario.from_file(ROOT / "seeds" / "samenoud.toml")
    t = time.perf_counter()
    r = s.run(iterations=n, seed=2026, progress=False)
    s.deterministic().summary()
    r.summary()
    return time.perf_counter() - t


def cli_run(n: int) -> float:
    t = time.perf_counter()
    subprocess.run([CLI, "run", ROOT / "seeds" / "samenoud.toml", "-n", str(n), "-q"], check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    if not CLI.exists():
        sys.exit(f"{CLI} is missing: build it with cargo build --release -p ontschot-cli")
    overhead = one_iteration_overhead()
    print(f"Scenario.run(iterations=1): median {overhead * 1e3:.2f} ms over 200 runs (target < 5 ms)")
    n = 100_000
    py = min(python_run(n) for _ in range(5))
    cli = min(cli_run(n) for _ in range(5))
    print(f"SamenOud, {n:,} iterations with summaries, best of 5: Python {py:.3f} s, CLI {cli:.3f} s, ratio Python/CLI {py / cli:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
