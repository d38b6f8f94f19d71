"""Type stubs of the Rust extension module (checked against it with mypy.stubtest)."""

from typing import Callable, final

import numpy as np
import numpy.typing as npt

__all__ = ["Results", "Scenario", "__version__"]
__version__: str

@final
class Scenario:
    @staticmethod
    def from_file(path: str) -> Scenario: ...
    @staticmethod
    def from_json(text: str, origin: str | None = None) -> Scenario: ...
    @staticmethod
    def seed(name: str) -> Scenario: ...
    @staticmethod
    def seed_names() -> list[str]: ...
    def to_json(self) -> str: ...
    @property
    def origin(self) -> str | None: ...
    def with_values(self, values: str) -> Scenario: ...
    def validate(self) -> None: ...
    def run(
        self,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        detail: bool | None = None,
        progress: Callable[[int, int], object] | None = None,
        mode: str | None = None,
    ) -> Results: ...
    def parameter_draws(
        self, iterations: int | None = None, seed: int | None = None
    ) -> tuple[list[str], npt.NDArray[np.float64]]: ...
    def deterministic(self, detail: bool | None = None) -> Results: ...
    def report(self, results: Results, lang: str = "nl", command: str = "") -> str: ...
    def solve(
        self,
        term: str,
        goal: str,
        probability: float | None = None,
        arrangement: int = 0,
        alternative: str | None = None,
        low: float = 0.0,
        high: float = 1.0,
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> str: ...
    def tornado(self, party: str = "total", values: str = "[]", arm: int = 1) -> str: ...
    def two_way(
        self,
        x: str,
        xs: list[float],
        y: str,
        ys: list[float],
        party: str = "total",
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
    ) -> str: ...
    def sensitivity(
        self,
        group: list[str] = ...,
        wtp: list[float] = ...,
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> str: ...
    def sweep(
        self,
        term: str,
        values: list[float],
        arrangement: int = 0,
        alternative: str | None = None,
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> str: ...
    def variants(self, arm: int = 1, iterations: int | None = None, seed: int | None = None, threads: int | None = None) -> str: ...
    def compare(
        self,
        arm: int = 1,
        iterations: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> str: ...

@final
class Results:
    def meta_json(self) -> str: ...
    def care(self, arm: int) -> npt.NDArray[np.float64]: ...
    def programme(self, arm: int) -> npt.NDArray[np.float64]: ...
    def effects(self, arm: int) -> npt.NDArray[np.float64]: ...
    def detail(self, arm: int) -> npt.NDArray[np.float64] | None: ...
    def transfers(self, arm: int) -> npt.NDArray[np.float64] | None: ...
    def units(self, arm: int) -> npt.NDArray[np.float64]: ...
    def increment(self, arm: int) -> npt.NDArray[np.float64]: ...
    def cost_discount_factors(self) -> list[float]: ...
    def effect_discount_factors(self) -> list[float]: ...
    def summary_json(self, arm: int) -> str: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> Results: ...
