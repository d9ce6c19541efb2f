"""EVM against hand-computed values, including the zero/null conventions of pmo.md §a.4."""

from __future__ import annotations

import pytest

from pmo_lint.facts.evm import compute_evm, eac, index, tcpi


@pytest.mark.parametrize(
    ("ev", "denominator", "expected"),
    [
        (400.0, 500.0, 0.8),
        (600.0, 500.0, 1.2),
        (0.0, 0.0, 1.0),  # nothing earned and nothing spent/planned: on track
        (50.0, 0.0, None),  # earned without a denominator (ahead of any plan, no cost booked): undefined
        (None, 100.0, None),  # EV unknown: index unknown
        (100.0, None, None),
    ],
)
def test_index_conventions(ev: float | None, denominator: float | None, expected: float | None) -> None:
    assert index(ev, denominator) == expected


# pv, ev, ac, bac, method -> sv, cv, cpi, spi, eac, etc, vac, tcpi (computed by hand)
CASES = [
    # CPI = 400/500 = 0.8, SPI = 400/500 = 0.8; EAC = 1000/0.8 = 1250; ETC = 750; VAC = -250; TCPI = 600/500 = 1.2
    ((500, 400, 500, 1000, "bac-over-cpi"), (-100, -100, 0.8, 0.8, 1250, 750, -250, 1.2)),
    # EAC = AC + (BAC - EV) = 500 + 600 = 1100; ETC = 600; VAC = -100
    ((500, 400, 500, 1000, "ac-plus-remaining"), (-100, -100, 0.8, 0.8, 1100, 600, -100, 1.2)),
    # EAC = 500 + 600 / (0.8 * 0.8) = 500 + 937.5 = 1437.5; ETC = 937.5; VAC = -437.5
    ((500, 400, 500, 1000, "ac-plus-remaining-over-cpi-spi"), (-100, -100, 0.8, 0.8, 1437.5, 937.5, -437.5, 1.2)),
    # ahead and under budget: CPI = 300/200 = 1.5, SPI = 300/250 = 1.2; EAC = 1000/1.5; TCPI = 700/800 = 0.875
    (
        (250, 300, 200, 1000, "bac-over-cpi"),
        (50, 100, 1.5, 1.2, 1000 / 1.5, 1000 / 1.5 - 200, 1000 - 1000 / 1.5, 0.875),
    ),
    # nothing started: indices 1, EAC = BAC, TCPI = 1
    ((0, 0, 0, 1000, "bac-over-cpi"), (0, 0, 1.0, 1.0, 1000, 1000, 0, 1.0)),
    # money spent, nothing earned: CPI 0 -> EAC by BAC/CPI undefined (null), TCPI = 1000/900
    ((200, 0, 100, 1000, "bac-over-cpi"), (-200, -100, 0.0, 0.0, None, None, None, 1000 / 900)),
    # same with AC + (BAC - EV): EAC = 100 + 1000
    ((200, 0, 100, 1000, "ac-plus-remaining"), (-200, -100, 0.0, 0.0, 1100, 1000, -100, 1000 / 900)),
    # no BAC: indices still computed, the BAC-based values are null
    ((500, 400, 500, None, "bac-over-cpi"), (-100, -100, 0.8, 0.8, None, None, None, None)),
    # budget exhausted with work left: TCPI unreachable (null); all work done: TCPI 1
    ((1000, 800, 1000, 1000, "ac-plus-remaining"), (-200, -200, 0.8, 0.8, 1200, 200, -200, None)),
    ((1000, 1000, 1000, 1000, "bac-over-cpi"), (0, 0, 1.0, 1.0, 1000, 0, 0, 1.0)),
]


@pytest.mark.parametrize(("inputs", "expected"), CASES)
def test_compute_evm_table(
    inputs: tuple[float, float, float, float | None, str], expected: tuple[float | None, ...]
) -> None:
    pv, ev, ac, bac, method = inputs
    got = compute_evm(pv, ev, ac, bac, method)
    names = ("sv", "cv", "cpi", "spi", "eac", "etc", "vac", "tcpi")
    for name, want in zip(names, expected, strict=True):
        value = getattr(got, name)
        if want is None:
            assert value is None, name
        else:
            assert value == pytest.approx(want), name
    assert (got.pv, got.ev, got.ac) == (pv, ev, ac)


def test_eac_unknown_method_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown EAC method"):
        eac("magic", bac=1.0, ev=1.0, ac=1.0, cpi=1.0, spi=1.0)


def test_tcpi_without_bac_is_null() -> None:
    assert tcpi(bac=None, ev=1.0, ac=1.0) is None
