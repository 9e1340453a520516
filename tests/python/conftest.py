"""Shared fixtures: the vectors in tests/vectors and a mock gateway per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from smilepayz import Client
from smilepayz.testing import MockGateway

VECTORS = Path(__file__).resolve().parent.parent / "vectors"

# Vector cases run, by table, printed at the end of the run (issue 5 asks for the figures).
FIGURES: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.write_line(
            "shared vector cases run in Python: " + ", ".join(f"{k} {v}" for k, v in sorted(FIGURES.items()))
        )


def load(name: str) -> Any:
    # Numbers with a fraction stay exact, as the vectors write them (never floats).
    return json.loads((VECTORS / name).read_text(encoding="utf-8"), parse_float=Decimal)


def pointer(document: Any, path: str) -> Any:
    """Resolves a JSON pointer such as ``/merchant/pkcs8_pem``."""
    for part in path.strip("/").split("/"):
        document = document[part]
    return document


@pytest.fixture(scope="session")
def keys() -> Any:
    return load("keys.json")


@pytest.fixture
def gateway() -> Iterator[MockGateway]:
    with MockGateway() as gw:
        yield gw


@pytest.fixture
def client(gateway: MockGateway) -> Client:
    return gateway.client(timeout_ms=2000)
