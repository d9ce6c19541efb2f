"""Generate a synthetic portfolio in pmo-lint's format, for benchmarks (seeded, so reproducible).

    python bench/generate.py OUT --projects 1000 [--seed 7] [--commits 50]

N projects, each with a project.yaml and its risks, change requests, status reports and benefits;
people (one per five projects), teams, allocations, goals, portfolios, programs, waivers and a
valid pmo.yaml with all five PMO types enabled. About 1% of projects carry a deliberate finding
(a dangling reference, a stale status report) so that locating findings is part of every run.
With ``--commits C`` the folder becomes a git repository with C commits (written with
``git fast-import``, so 100,000 projects take seconds): the first adds everything, each later one
edits a few status reports and projects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)  # the date benchmarks pass as --as-of
ROLES = ("project-manager", "business-analyst", "project-coordinator", "technical-expert", "support-staff", "trainer")
PHASES = ("initiation", "planning", "execution", "monitoring", "closure")
CATEGORIES = ("technical", "schedule", "cost", "resource", "scope", "quality", "external", "regulatory")
LEVELS = ("vl", "l", "m", "h", "vh")
_WORD_TEXT = (
    "crm billing payroll portal data cloud migration warehouse mobile identity network security analytics "
    "hr finance supply chain erp lakehouse archive compliance onboarding search pricing logistics telephony"
)
WORDS = tuple(_WORD_TEXT.split())

PMO_YAML = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata:
  name: pmo
  title: Benchmark PMO
spec:
  organization: Benchmark Corp
  pmoTypes: [strategic, tactical, operational, transformational, governance]
  currency: EUR
  projectTypes: [it, business, infrastructure]
  lifecycle:
    phases:
      - {id: initiation, title: Initiation}
      - {id: planning, title: Planning, startGate: G1}
      - {id: execution, title: Execution, startGate: G2}
      - {id: monitoring, title: Monitoring}
      - {id: closure, title: Closure, startGate: G3}
    gates:
      - {id: G1, title: Charter approved, approverRoles: [pmo-director]}
      - {id: G2, title: Plan approved, approverRoles: [pmo-director, project-manager]}
      - {id: G3, title: Ready to close, approverRoles: [pmo-director]}
  scales:
    probability:
      - {id: vl, value: 1}
      - {id: l, value: 2}
      - {id: m, value: 3}
      - {id: h, value: 4}
      - {id: vh, value: 5}
    impact:
      - {id: vl, value: 1}
      - {id: l, value: 2}
      - {id: m, value: 3}
      - {id: h, value: 4}
      - {id: vh, value: 5}
  riskMatrix:
    escalationScore: 16
    ranks:
      - {id: low, minScore: 1}
      - {id: medium, minScore: 6}
      - {id: high, minScore: 12}
      - {id: critical, minScore: 20}
  prioritization:
    method: weighted
    criteria:
      - {id: value, weight: 50}
      - {id: risk, weight: 20}
      - {id: alignment, weight: 30}
  approvalMatrix:
    - when: {category: cost, budgetDeltaPctOver: 10}
      approverRoles: [pmo-director]
    - when: {category: schedule}
      approverRoles: [project-manager, pmo-director]
  cadence:
    statusReportMaxAgeDays: 45
    riskReviewMaxAgeDays: 90
"""


def _date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


class Portfolio:
    """Names and numbers of one generated portfolio; files are produced lazily, in a stable order."""

    def __init__(self, projects: int, seed: int) -> None:
        self.n = projects
        self.seed = seed
        self.people = [f"person-{i:06d}" for i in range(max(20, projects // 5))]
        self.teams = [f"team-{i:04d}" for i in range(max(3, projects // 100))]
        self.goals = [f"goal-{i:04d}" for i in range(max(5, projects // 200))]
        self.portfolios = [f"portfolio-{i:03d}" for i in range(max(2, projects // 2000))]
        self.programs = [f"program-{i:05d}" for i in range(max(3, projects // 25))]
        self.projects = [f"{WORDS[i % len(WORDS)]}-{i:06d}" for i in range(projects)]
        self.director = "pat-director"

    def files(self) -> Iterator[tuple[str, str]]:
        rng = random.Random(self.seed)
        yield "pmo.yaml", PMO_YAML
        cfg = "# benchmark portfolio\nlimits:\n  max-files: 2000000\n"
        yield ".pmo-lint.yaml", cfg
        for doc in ("charter", "business-case", "closure-report", "lessons-learned", "training"):
            yield f"documents/{doc}.md", f"# {doc.replace('-', ' ').title()}\n\nShared template of the benchmark.\n"
        yield f"people/{self.director}.yaml", self._person(rng, self.director, "pmo-director")
        for name in self.people:
            yield f"people/{name}.yaml", self._person(rng, name, rng.choice(ROLES))
        for i, name in enumerate(self.teams):
            parent = f"\n  parent: {self.teams[0]}" if i else ""
            members = ", ".join(rng.sample(self.people, 3))
            yield (
                f"teams/{name}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Team\nmetadata:\n  name: {name}\n  title: Team {i}\n"
                    f"spec:\n  type: team{parent}\n  members: [{members}]\n"
                    f"  lead: {self.people[i % len(self.people)]}\n"
                ),
            )
        for i, name in enumerate(self.goals):
            parent = f"\n  parent: {self.goals[0]}" if i else ""
            yield (
                f"strategy/goals/{name}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: StrategicGoal\nmetadata:\n  name: {name}\n  title: Goal {i}\n"
                    f"spec:\n  level: {'vision' if i == 0 else 'goal'}{parent}\n  owner: {self.director}\n"
                    "  timeframe: {start: 2025-01-01, end: 2027-12-31}\n  keyResults:\n"
                    f"    - {{id: kr-1, metric: Adoption, baseline: 10, target: {rng.randrange(20, 90)}, "
                    "current: 15}\n"
                ),
            )
        for i, name in enumerate(self.portfolios):
            goals = ", ".join(self.goals[:3])
            yield (
                f"portfolios/{name}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Portfolio\nmetadata:\n  name: {name}\n  title: Portfolio {i}\n"
                    f"spec:\n  owner: {self.director}\n  currency: EUR\n  budget:\n"
                    f"    - {{fiscalYear: 2025, amount: {self.n * 400000 // len(self.portfolios)}}}\n"
                    f"  goals: [{goals}]\n"
                ),
            )
        for i, name in enumerate(self.programs):
            yield (
                f"programs/{name}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Program\nmetadata:\n  name: {name}\n  title: Program {i}\n"
                    f"spec:\n  portfolio: {self.portfolios[i % len(self.portfolios)]}\n"
                    f"  owner: {self.people[i % len(self.people)]}\n  goals: [{self.goals[i % len(self.goals)]}]\n"
                ),
            )
        for i, name in enumerate(self.projects):
            yield from self._project(rng, i, name)
        load: dict[str, list[str]] = {}
        for i, name in enumerate(self.projects):
            load.setdefault(self.people[i % len(self.people)], []).append(name)
        for person in self.people:
            projects = load.get(person, [])[:4] or [self.projects[0]]
            lines = "".join(
                f"    - project: {p}\n      from: 2025-06-01\n      to: 2025-06-30\n      load: {{percent: 20}}\n"
                for p in projects
            )
            yield (
                f"allocations/2025/{person}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Allocation\nmetadata:\n  name: {person}\n"
                    f"spec:\n  person: {person}\n  year: 2025\n  assignments:\n{lines}"
                ),
            )
        for i in range(max(1, self.n // 1000)):
            target = self.projects[(i * 100 + 42) % self.n]  # a project that carries a finding
            yield (
                f"waivers/waiver-{i:04d}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Waiver\nmetadata:\n  name: waiver-{i:04d}\nspec:\n"
                    f"  check: TAC001\n  targets: [project:{target}]\n"
                    "  justification: Reporting paused during the vendor freeze agreed by the board.\n"
                    f"  approvedBy: {self.director}\n  created: 2025-05-01\n  expires: 2025-12-31\n"
                ),
            )

    def _person(self, rng: random.Random, name: str, role: str) -> str:
        return (
            f"apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: {name}\nspec:\n"
            f"  profile:\n    displayName: {name.replace('-', ' ').title()}\n    email: {name}@example.org\n"
            f"  roles: [{role}]\n  capacity: {{hoursPerWeek: {rng.choice((32, 36, 40))}}}\n"
            f"  skills: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n"
        )

    def _project(self, rng: random.Random, i: int, name: str) -> Iterator[tuple[str, str]]:
        broken = i % 100 == 42  # ~1% carry a finding
        pm = self.people[i % len(self.people)]
        sponsor = "nobody-at-all" if broken else self.people[(i * 7 + 3) % len(self.people)]
        phase_i = rng.randrange(len(PHASES) - 1)
        phase = PHASES[phase_i]
        start = _date(rng, dt.date(2024, 1, 1), 365)
        finish = start + dt.timedelta(days=rng.randrange(560, 900))
        elapsed = min(1.0, max(0.0, (AS_OF - start).days / (finish - start).days))
        pc = min(100, int(elapsed * 100) + 1)
        bac = rng.randrange(50, 5000) * 1000
        spent = bac * pc // 100 * 98 // 100
        gates = "".join(
            f"      - {{gate: G{g}, decision: approved, decidedBy: {self.director}, "
            f"date: {start + dt.timedelta(days=20 * g)}}}\n"
            for g in range(1, min(phase_i, 2) + 1)
        )
        milestones = ""
        for m in range(1, rng.randrange(3, 8)):
            due = start + dt.timedelta(days=80 * m)
            done = due < AS_OF
            milestones += f"    - id: m{m}\n      title: Milestone {m}\n      forecastDate: {due}\n"
            milestones += f"      actualDate: {due}\n      status: done\n" if done else "      status: planned\n"
        baseline = (
            f"  baselines:\n    - id: bl-1\n      date: {start + dt.timedelta(days=40)}\n      approvedBy: gate:G2\n"
            f"      schedule: {{start: {start}, finish: {finish}}}\n      budget: {{bac: {bac}}}\n"
            "  activeBaseline: bl-1\n"
            if phase_i >= 2
            else ""
        )
        risks = [f"r-{k:03d}" for k in range(1, rng.randrange(1, 5))]
        changes = [f"cr-{k:03d}" for k in range(1, rng.randrange(1, 3))]
        reports = sorted(
            {AS_OF - dt.timedelta(days=rng.randrange(3, 25))}
            | {_date(rng, AS_OF - dt.timedelta(days=90), 60) for _ in range(rng.randrange(0, 3))}
        )
        category = rng.choice(("strategic", "operational", "regulatory"))
        text = (
            f"apiVersion: pmo-lint/v1\nkind: Project\nmetadata:\n  name: {name}\n"
            f"  title: {name.replace('-', ' ').title()}\n  labels:\n    department: {rng.choice(WORDS)}\n"
            f"spec:\n  type: {rng.choice(('it', 'business', 'infrastructure'))}\n"
            f"  category: {category}\n  investmentClass: change\n"
            f"  portfolio: {self.portfolios[i % len(self.portfolios)]}\n"
            f"  program: {self.programs[i % len(self.programs)]}\n"
            f"  owner: {pm}\n  sponsor: {sponsor}\n  lifecycle:\n    phase: {phase}\n    state: active\n"
            + (f"    gates:\n{gates}" if gates else "")
            + f"  alignment:\n    goals:\n      - {{goal: {self.goals[i % len(self.goals)]}, impact: strong}}\n"
            f"  prioritization:\n    criteria: {{value: {rng.randrange(1, 6)}, risk: {rng.randrange(1, 6)}, "
            f"alignment: {rng.randrange(1, 6)}}}\n"
            "  businessCase:\n    summary: Replace the legacy platform to cut running costs and risk.\n"
            "    inScope: [Migration of all customer records]\n    outOfScope: [Archive redesign]\n"
            "    assumptions: [Vendor keeps the current licence terms]\n"
            "    riskOfNotPerforming: Support for the legacy platform ends next year.\n"
            f"    financials: {{npv: {bac // 3}, roi: 0.{rng.randrange(1, 6)}5}}\n"
            f"  schedule:\n    approved: {{start: {start}, end: {finish}}}\n    forecast: {{finish: {finish}}}\n"
            f"  milestones:\n{milestones}  percentComplete: {pc}\n  currency: EUR\n"
            f"  budget:\n    bac: {bac}\n    capex: {bac * 6 // 10}\n    opex: {bac * 4 // 10}\n"
            f"  actuals:\n    - {{period: 2025-05, cost: {spent}}}\n"
            + baseline
            + f"  stakeholders:\n    - {{person: {sponsor}, interest: high, influence: high, approver: true}}\n"
            f"    - {{person: {pm}, interest: high, influence: medium}}\n"
            "  documents:\n    charter: documents/charter.md\n    businessCase: documents/business-case.md\n"
            "    closureReport: documents/closure-report.md\n    lessonsLearned: documents/lessons-learned.md\n"
            "  change:\n    impactedBusinessUnits: [Finance, Sales]\n    trainingPlan: documents/training.md\n"
        )
        yield f"projects/{name}/project.yaml", text
        for r in risks:
            yield (
                f"projects/{name}/risks/{r}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Risk\nmetadata:\n  name: {r}\n  namespace: {name}\n"
                    f"  title: Risk {r} of {name}\nspec:\n  category: {rng.choice(CATEGORIES)}\n"
                    "  description: Key supplier may not deliver the interface on time.\n"
                    f"  probability: {rng.choice(LEVELS[:3])}\n  impact: {rng.choice(LEVELS[:3])}\n  owner: {pm}\n"
                    "  response: mitigate\n  mitigationPlan: Weekly check-ins and a fallback supplier.\n"
                    f"  state: open\n  identifiedDate: {_date(rng, dt.date(2025, 1, 1), 120)}\n"
                    f"  reviewDate: {_date(rng, AS_OF - dt.timedelta(days=40), 35)}\n"
                ),
            )
        for c in changes:
            yield (
                f"projects/{name}/changes/{c}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: ChangeRequest\nmetadata:\n  name: {c}\n  namespace: {name}\n"
                    f"spec:\n  category: [schedule]\n  priority: medium\n  requestedBy: {pm}\n"
                    f"  requestedDate: {_date(rng, AS_OF - dt.timedelta(days=15), 10)}\n"
                    "  businessJustification: Regulation changed; the scope grows by one interface.\n"
                    "  impact: Two more sprints and one more vendor.\n"
                    "  delta: {finishDays: 10}\n  state: submitted\n"
                ),
            )
        if broken:
            reports = [AS_OF - dt.timedelta(days=200)]
        for d in reports:
            pv = bac * pc // 100
            ev = pv * rng.randrange(98, 104) // 100
            ac = ev * rng.randrange(96, 101) // 100
            yield (
                f"projects/{name}/status/{d}.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: StatusReport\nmetadata:\n  name: '{d}'\n  namespace: {name}\n"
                    f"spec:\n  reportDate: {d}\n  author: {pm}\n  health:\n    overall: {{rag: green}}\n"
                    "    schedule: {rag: green}\n    cost: {rag: green, comment: Invoices as planned.}\n"
                    "    resources: {rag: green}\n    scope: {rag: green}\n"
                    "  executiveSummary: On track; the data migration rehearsal passed.\n"
                    "  achievements: [Rehearsal passed, Training plan signed off]\n"
                    f"  percentComplete: {pc}\n"
                    f"  evm: {{pv: {pv}, ev: {ev}, ac: {ac}}}\n" + (f"  topRisks: [{risks[0]}]\n" if risks else "")
                ),
            )
        if i % 3 == 0 or phase_i >= 2:
            yield (
                f"projects/{name}/benefits/b-001.yaml",
                (
                    f"apiVersion: pmo-lint/v1\nkind: Benefit\nmetadata:\n  name: b-001\n  namespace: {name}\n"
                    f"spec:\n  type: monetary\n  owner: {pm}\n  kpi: Running cost\n  unit: EUR per year\n"
                    f"  baseline: {bac // 10}\n  target: {bac // 20}\n  targetDate: 2026-12-31\n"
                ),
            )


def write(out: Path, projects: int, seed: int) -> int:
    """Write the portfolio under ``out`` (which must not exist or be empty); return the file count."""
    count = 0
    made: set[str] = set()
    for rel, text in Portfolio(projects, seed).files():
        folder = rel.rpartition("/")[0]
        if folder not in made:
            (out / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        (out / rel).write_text(text, encoding="utf-8")
        count += 1
    return count


def _blob(stream: list[bytes], path: str, text: str) -> None:
    data = text.encode("utf-8")
    stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))


def write_git(out: Path, projects: int, seed: int, commits: int) -> None:
    """Make ``out`` a git repository whose history has ``commits`` commits and ends at the files on disk."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True, env=env)
    rng = random.Random(seed + 1)
    portfolio = Portfolio(projects, seed)
    files = list(portfolio.files())
    when = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=out, stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    current = dict(files)
    for c in range(commits):
        stream: list[bytes] = []
        message = b"initial portfolio" if c == 0 else b"weekly update %d" % c
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"committer Bench <bench@example.org> %d +0000\n" % (when + c * 3600))
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if c == 0:
            for rel, text in files:
                _blob(stream, rel, text)
        elif c < commits - 1:
            # intermediate states: a few files carry an earlier wording; the last commit restores the files on disk
            for _ in range(3):
                rel, text = files[rng.randrange(len(files))]
                current[rel] = text.replace("On track", f"On track (week {c})")
                _blob(stream, rel, current[rel])
        else:
            for rel, text in files:
                if current[rel] != text:
                    _blob(stream, rel, text)
        proc.stdin.write(b"".join(stream))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--commits", type=int, default=0, help="also make a git history of this many commits")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty; choose a new folder", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    if args.commits > 0:
        write_git(args.out, args.projects, args.seed, args.commits)
        count = sum(1 for _ in Portfolio(args.projects, args.seed).files())
    else:
        count = write(args.out, args.projects, args.seed)
    print(f"wrote {count} files for {args.projects} projects to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
