"""Four lifecycles a PMO really uses, and a translator that moves a portfolio written for one into another.

The rule cases and the base portfolio (tests/policies) are written for the sample's six phases. Each
fixture lifecycle here says which of its phases stands for each of those six, and which of its gates for
each of G0–G3, so that the same governance situation can be written in its own vocabulary: a project
"executing" with G0–G2 approved becomes a PRINCE2 project in `stage-2` with the mandate, initiation
and project authorised, or a stage-gate project in `development` past gates 1–3.

Translation works line by line so that `# expect:` markers stay on the line they mark. A case that
cannot be said in a lifecycle (a proposal in a lifecycle without an intake stage) is reported as such
by :func:`translate` returning None with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BASE_GATES = ("G0", "G1", "G2", "G3")

# what the base lifecycle's phases and gates require (tests/policies/base/pmo.yaml), carried over to the
# equivalent phases and gates of each fixture so that only the lifecycle's shape changes
_REQUIRED = {
    "proposed": "[/spec/requester]",
    "initiating": "[/spec/owner, /spec/sponsor, /spec/portfolio]",
    "planning": "[/spec/owner, /spec/sponsor, /spec/budget/bac, /spec/businessCase]",
    "executing": "[/spec/owner, /spec/sponsor, /spec/budget/bac, /spec/activeBaseline]",
    "closing": "[/spec/owner]",
    "closed": "[/spec/owner, /spec/schedule/actual/finish]",
}
_DOCS = {"G1": "[charter, businessCase]", "G3": "[closureReport, lessonsLearned]"}


@dataclass(frozen=True)
class FixturePhase:
    id: str
    stage: str | None  # None: left to pmo-lint to infer from the id
    gate: str | None = None
    base: str | None = None  # the base phase it stands for
    optional: bool = False


@dataclass(frozen=True)
class FixtureGate:
    id: str
    title: str
    base: str | None = None  # the base gate it stands for


@dataclass(frozen=True)
class Lifecycle:
    name: str
    phases: tuple[FixturePhase, ...]
    gates: tuple[FixtureGate, ...]
    # a base gate decision becomes decisions for these gates (the first keeps the line's comment)
    gate_map: dict[str, tuple[str, ...]] = field(default_factory=dict)
    closed_by_state: bool = False  # no closed-stage phase: a finished project is `state: completed`

    def phase_for(self, base: str) -> str | None:
        return next((p.id for p in self.phases if p.base == base), None)

    def pmo_block(self) -> str:
        """The `lifecycle:` block of pmo.yaml (indented for spec)."""
        lines = ["  lifecycle:", "    phases:"]
        for p in self.phases:
            parts = [f"id: {p.id}"]
            if p.stage:
                parts.append(f"stage: {p.stage}")
            if p.gate:
                parts.append(f"startGate: {p.gate}")
            if p.base == "initiating":
                parts.append("dropRequiredFields: [/spec/requester]")
            if p.base:
                parts.append(f"requiredFields: {_REQUIRED[p.base]}")
            if p.optional:
                parts.append("optional: true")
            lines.append("      - {" + ", ".join(parts) + "}")
        lines.append("    gates:")
        for g in self.gates:
            docs = f", requiredDocuments: {_DOCS[g.base]}" if g.base in _DOCS else ""
            lines.append(f'      - {{id: {g.id}, title: "{g.title}", approverRoles: [pmo-director]{docs}}}')
        return "\n".join(lines) + "\n"


SAMPLE = Lifecycle(
    "sample",
    tuple(FixturePhase(p, None, g, p) for p, g in zip(_REQUIRED, (None, "G0", "G1", "G2", None, "G3"), strict=True)),
    (
        FixtureGate("G0", "Intake approval", "G0"),
        FixtureGate("G1", "Charter and business case approval", "G1"),
        FixtureGate("G2", "Baseline approval", "G2"),
        FixtureGate("G3", "Acceptance and closure", "G3"),
    ),
    {g: (g,) for g in BASE_GATES},
)
# what `pmo-lint init` writes (pmo_lint/scaffold/templates/pmo.yaml; test_lifecycle_fixtures checks it):
# no intake and no closed phase; a finished project stays in closure with `state: completed`
INIT = Lifecycle(
    "init",
    (
        FixturePhase("initiation", "initiation", None, "initiating"),
        FixturePhase("planning", "planning", "G1", "planning"),
        FixturePhase("execution", "execution", "G2", "executing"),
        # closure is where a finished project stays (state completed): it stands for the base's closed phase,
        # and the base's closing phase, with no gate of its own, has no equivalent here
        FixturePhase("closure", "closing", "G3", "closed"),
    ),
    (
        FixtureGate("G1", "Approve the business case", "G1"),
        FixtureGate("G2", "Approve the baseline", "G2"),
        FixtureGate("G3", "Accept and close", "G3"),
    ),
    {"G0": (), "G1": ("G1",), "G2": ("G2",), "G3": ("G3",)},
    closed_by_state=True,
)
# PRINCE2: a mandate, Starting up (the project brief), the initiation stage (the PID: plans and
# business case), management stages authorised by the project board at each stage boundary, closing.
# Stages are stated where a name would mislead ("initiation" plans here) or says nothing ("stage-2").
PRINCE2 = Lifecycle(
    "prince2",
    (
        FixturePhase("mandate", None, None, "proposed"),
        FixturePhase("starting-up", "initiation", "DP0", "initiating"),
        FixturePhase("initiation", "planning", "DP1", "planning"),
        FixturePhase("stage-2", "execution", "DP2", "executing"),
        FixturePhase("stage-3", "execution", "SB2", None, optional=True),  # a project's plan may have two stages
        FixturePhase("closing", None, None, "closing"),
        FixturePhase("closed", None, "DP5", "closed"),
    ),
    (
        FixtureGate("DP0", "Executive appointed, start-up authorised", "G0"),
        FixtureGate("DP1", "Authorise initiation", "G1"),
        FixtureGate("DP2", "Authorise the project", "G2"),
        FixtureGate("SB2", "Stage boundary: authorise stage 3"),
        FixtureGate("DP5", "Authorise project closure", "G3"),
    ),
    {"G0": ("DP0",), "G1": ("DP1",), "G2": ("DP2", "SB2"), "G3": ("DP5",)},
)
# Stage-gate with seven gates: discovery, scoping, business case, development, testing, launch,
# post-launch review, closed
STAGE_GATE = Lifecycle(
    "stage-gate",
    (
        FixturePhase("discovery", None, None, "proposed"),
        FixturePhase("scoping", None, "gate-1", "initiating"),
        FixturePhase("business-case", None, "gate-2", "planning"),
        FixturePhase("development", None, "gate-3", "executing"),
        FixturePhase("testing", None, "gate-4", None),
        FixturePhase("launch", None, "gate-5", None),
        FixturePhase("post-launch-review", None, "gate-6", "closing"),
        FixturePhase("closed", None, "gate-7", "closed"),
    ),
    (
        FixtureGate("gate-1", "Idea screen", "G0"),
        FixtureGate("gate-2", "Second screen", "G1"),
        FixtureGate("gate-3", "Go to development", "G2"),
        FixtureGate("gate-4", "Go to testing"),
        FixtureGate("gate-5", "Go to launch"),
        FixtureGate("gate-6", "Launch review"),
        FixtureGate("gate-7", "Project closure", "G3"),
    ),
    {"G0": ("gate-1",), "G1": ("gate-2",), "G2": ("gate-3", "gate-4", "gate-5", "gate-6"), "G3": ("gate-7",)},
)
LIFECYCLES = (SAMPLE, INIT, PRINCE2, STAGE_GATE)

_LIFECYCLE_BLOCK = re.compile(r"^  lifecycle:\n(?:^    .*\n|^\s*\n)+", re.M)
_PHASE = re.compile(r"\bphase: ([A-Za-z0-9_.-]+)")
_GATE_ITEM = re.compile(r"^(\s*- \{gate: )(G[0-3])(,.*?\})(\s*#.*)?$")
_GATE_REF = re.compile(r"\b(gate:\s*|gate:)(G[0-3])\b")
_STATE = re.compile(r"\bstate: ([a-z-]+)")


def translate(text: str, lc: Lifecycle) -> tuple[str | None, str]:
    """A file of the base portfolio or a rule case, in the lifecycle's vocabulary; (None, why) if it cannot be said."""
    if "kind: PMOConfig" in text:
        head, tail = _LIFECYCLE_BLOCK.split(text, maxsplit=1) if _LIFECYCLE_BLOCK.search(text) else (text, "")
        tail = _GATE_REF.sub(lambda g: g.group(1) + (lc.gate_map[g.group(2)] or ("none",))[0], tail)
        return (head + lc.pmo_block() + tail if _LIFECYCLE_BLOCK.search(text) else text), ""
    out: list[str] = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if m := _GATE_ITEM.match(line):
            targets = lc.gate_map[m.group(2)]
            marker = m.group(4) or ""
            if not targets:
                if "expect:" in marker:
                    return None, f"{lc.name} has no gate for {m.group(2)}, and the case expects a finding on it"
                out.append(f"{' ' * line.index('-')}# (no {lc.name} gate stands for {m.group(2)})")
                continue
            if len(targets) > 1 and "expect:" in marker:
                return None, f"{m.group(2)} is several gates in {lc.name}; its expected finding would repeat"
            out.extend(f"{m.group(1)}{t}{m.group(3)}{marker if i == 0 else ''}" for i, t in enumerate(targets))
            continue
        if (pm := _PHASE.search(line)) and pm.group(1) in _REQUIRED:
            base = pm.group(1)
            target = lc.phase_for(base)
            if target is not None and base == "closed" and lc.closed_by_state:
                state = _STATE.search(line) or next(
                    (s for s in map(_STATE.search, lines[n + 1 : n + 4]) if s is not None), None
                )
                if state is not None and state.group(1) not in ("completed", "cancelled"):
                    return None, f"{lc.name} has no closed phase: a closed project here is one with state completed"
                if state is None:
                    if "{" in line:
                        line = line.replace(f"phase: {base}", f"phase: {base}, state: completed")
                    else:
                        out.append(_PHASE.sub(f"phase: {target}", line))
                        out.append(" " * line.index("phase:") + "state: completed")
                        continue
            if target is None:
                return None, f"{lc.name} has no phase that stands for {base}"
            line = line.replace(f"phase: {base}", f"phase: {target}")
        line = _GATE_REF.sub(lambda g: g.group(1) + (lc.gate_map[g.group(2)] or ("none",))[0], line)
        out.append(line)
    joined = "\n".join(out) + ("\n" if text.endswith("\n") else "")
    # a list of gate decisions whose every item had no equivalent: say it is empty, on the same line
    joined = re.sub(r"^(\s*gates:)\n((?:\s*# \(no .*\n)+)(?!\s*- )", r"\1 []\n\2", joined, flags=re.M)
    return joined, ""
