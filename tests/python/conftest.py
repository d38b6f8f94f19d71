import os
import subprocess
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """The ontschot command, built by cargo (already built by the Rust tests in CI)."""
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "ontschot-cli"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / ("ontschot.exe" if os.name == "nt" else "ontschot")
    assert exe.exists()
    return exe
