"""Earned value management, with the zero and null conventions of ``reference/pmo.md`` §a.4.

CPI = EV/AC and SPI = EV/PV. An index is null when EV is null; when its denominator is 0 it is 1
if EV is 0 too (nothing planned or spent, nothing earned) and null otherwise: work earned ahead of any
plan, or before any cost is booked, has no ratio (MS Project's 0 would read as the worst performance
and raise false alarms).
EAC follows the method configured in ``pmo.yaml`` (``evm.eacMethod``); VAC = BAC − EAC,
ETC = EAC − AC, TCPI = (BAC − EV) / (BAC − AC).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

EAC_METHODS = ("bac-over-cpi", "ac-plus-remaining", "ac-plus-remaining-over-cpi-spi")


@dataclass(frozen=True)
class Evm:
    pv: float | None
    ev: float | None
    ac: float | None
    sv: float | None
    cv: float | None
    cpi: float | None
    spi: float | None
    eac: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None

    def as_dict(self) -> dict[str, float | None]:
        # field by field: dataclasses.asdict deep-copies, and this runs once per project
        return {f: getattr(self, f) for f in _FIELDS}


_FIELDS = tuple(f.name for f in fields(Evm))


def index(ev: float | None, denominator: float | None) -> float | None:
    """CPI or SPI: EV over AC or PV, with the §a.4 conventions."""
    if ev is None or denominator is None:
        return None
    if denominator == 0:
        return 1.0 if ev == 0 else None
    return ev / denominator


def eac(method: str, *, bac: float | None, ev: float, ac: float, cpi: float | None, spi: float | None) -> float | None:
    """Estimate at completion; null when the inputs it needs are missing or the divisor is 0."""
    if bac is None:
        return None
    if method == "bac-over-cpi":
        return None if not cpi else bac / cpi
    if method == "ac-plus-remaining":
        return ac + (bac - ev)
    if method == "ac-plus-remaining-over-cpi-spi":
        if not cpi or not spi:
            return None
        return ac + (bac - ev) / (cpi * spi)
    raise ValueError(f"unknown EAC method {method!r}; use one of {', '.join(EAC_METHODS)}")


def tcpi(*, bac: float | None, ev: float, ac: float) -> float | None:
    """Efficiency needed on the remaining work to finish on budget: (BAC − EV) / (BAC − AC).

    With no funds left it is 1 when no work is left either, and null (unreachable) otherwise.
    """
    if bac is None:
        return None
    work, funds = bac - ev, bac - ac
    if funds == 0:
        return 1.0 if work == 0 else None
    return work / funds


def compute_evm(pv: float, ev: float, ac: float, bac: float | None, method: str = "bac-over-cpi") -> Evm:
    cpi = index(ev, ac)
    spi = index(ev, pv)
    estimate = eac(method, bac=bac, ev=ev, ac=ac, cpi=cpi, spi=spi)
    return Evm(
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        cpi=cpi,
        spi=spi,
        eac=estimate,
        etc=None if estimate is None else estimate - ac,
        vac=None if estimate is None or bac is None else bac - estimate,
        tcpi=tcpi(bac=bac, ev=ev, ac=ac),
    )
