"""The per-kind fact maps of the policy contract (``.dev/POLICY-FORMAT.md``), computed once per run.

Everything is indexed in one pass (records by project, projects by portfolio, program and goal),
so the whole computation is linear in the number of entities. Numbers are floats, dates ISO
strings, absent values None: the maps go straight into CEL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmo_lint.facts.allocation import Interval, monthly_peak_load, over_allocated, percent_of_capacity
from pmo_lint.facts.budget import approved_bac, bac_by_fiscal_year
from pmo_lint.facts.evm import compute_evm
from pmo_lint.facts.leaver import leaving
from pmo_lint.facts.lifecycle import (
    UNKNOWN,
    PhaseMeaning,
    approved_gates,
    fields_of,
    gates_of,
    meanings,
    steps_until,
)
from pmo_lint.facts.priority import ranks, weighted_score, wsjf_score
from pmo_lint.facts.risk import is_escalated, risk_rank, risk_score
from pmo_lint.model.refs import parse_ref

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import (
        Benefit,
        ChangeRequest,
        PMOConfigSpec,
        Project,
        Risk,
        StatusReport,
    )

DIMENSIONS = ("overall", "schedule", "cost", "resources", "scope")
OPEN_RISK_STATES = frozenset({"open", "monitoring"})
OPEN_ISSUE_STATES = frozenset({"open", "in-progress"})
DOCUMENT_KEYS = ("charter", "businessCase", "closureReport", "lessonsLearned")


@dataclass
class Facts:
    """Facts of every entity, keyed by its file, plus the PMO configuration as CEL sees it.

    Not frozen: the maturity level of projects is filled in after the rules it depends on ran.
    """

    as_of: dt.date
    config: dict[str, Any] = field(default_factory=dict)
    by_path: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of(self, item: LoadedEntity) -> dict[str, Any]:
        return self.by_path.get(item.path, {})


def _days(a: dt.date, b: dt.date) -> float:
    return float((b - a).days)


def pointer_present(data: Any, pointer: str) -> bool:
    """Whether a JSON pointer (``/spec/budget/bac``) names a value that is set (not null or empty)."""
    node = data
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if part not in node:
                return False
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return node is not None and node != "" and node != [] and node != {}


class _Builder:
    def __init__(self, catalog: Catalog, as_of: dt.date, files: frozenset[str]) -> None:
        self.cat = catalog
        self.as_of = as_of
        self.files = files
        pmo = catalog.config
        self.spec: PMOConfigSpec | None = pmo.spec if pmo is not None else None
        self.meanings: dict[str, PhaseMeaning] = meanings(self.spec.lifecycle.phases) if self.spec else {}
        self.records: dict[tuple[str, str], list[LoadedEntity]] = defaultdict(list)
        for kind in ("Risk", "ChangeRequest", "StatusReport", "Benefit"):
            for item in catalog.of_kind(kind):
                self.records[(kind, item.entity.metadata.namespace or "")].append(item)
        self.out: dict[str, dict[str, Any]] = {}

    # -- configuration lookups ------------------------------------------------------------------
    def _scales(self) -> tuple[dict[str, int], dict[str, int]]:
        if self.spec is None:
            return {}, {}
        return (
            {lv.id: lv.value for lv in self.spec.scales.probability},
            {lv.id: lv.value for lv in self.spec.scales.impact},
        )

    def _ranks(self) -> list[tuple[str, int]]:
        return [(r.id, r.min_score) for r in self.spec.risk_matrix.ranks] if self.spec else []

    # -- kinds ------------------------------------------------------------------------------------
    def risks(self) -> None:
        prob, impact = self._scales()
        ranks_ = self._ranks()
        escalation = self.spec.risk_matrix.escalation_score if self.spec else 10**9
        for item in self.cat.of_kind("Risk"):
            risk: Risk = item.entity  # type: ignore[assignment]
            s = risk.spec
            score = risk_score(s.probability, s.impact, prob, impact)
            reviewed = s.review_date or s.identified_date
            self.out[item.path] = {
                "score": score,
                "rank": risk_rank(score, ranks_),
                "escalated": is_escalated(score, escalation),
                "open": s.state in OPEN_RISK_STATES,
                "reviewAgeDays": _days(reviewed, self.as_of),
            }

    def status_reports(self) -> dict[str, LoadedEntity]:
        """Facts of each report; returns the latest report (dated on or before the as-of date) per project."""
        latest: dict[str, LoadedEntity] = {}
        for item in self.cat.of_kind("StatusReport"):
            report: StatusReport = item.entity  # type: ignore[assignment]
            ns = report.metadata.namespace or ""
            date = report.spec.report_date
            self.out[item.path] = {"ageDays": _days(date, self.as_of), "isLatest": False}
            evm = report.spec.evm
            if evm is not None:  # the report's own indices, for messages that quote them
                if evm.ac > 0:
                    self.out[item.path]["cpi"] = round(evm.ev / evm.ac, 2)
                if evm.pv > 0:
                    self.out[item.path]["spi"] = round(evm.ev / evm.pv, 2)
            if date > self.as_of:
                continue  # written after the as-of date: not known yet on that day
            best = latest.get(ns)
            if best is None or (date, item.path) > (best.entity.spec.report_date, best.path):  # type: ignore[attr-defined]
                latest[ns] = item
        for item in latest.values():
            self.out[item.path]["isLatest"] = True
        return latest

    def change_requests(self, bac_by_project: dict[str, float | None]) -> None:
        from pmo_lint.facts.approval import cr_rows, describe_rows, related_people, relations_of, unmet_rows

        rules = self.spec.approval_matrix if self.spec else []
        currency = self.spec.currency if self.spec else None
        titles = {r.id: r.title for r in self.spec.governance_roles} if self.spec else {}
        for item in self.cat.of_kind("ChangeRequest"):
            cr: ChangeRequest = item.entity  # type: ignore[assignment]
            s = cr.spec
            ns = cr.metadata.namespace or ""
            project = self.cat.lookup(ns, kinds=("Project",)) if ns else None
            baselines = {b.id for b in project.entity.spec.baselines} if project else set()  # type: ignore[attr-defined]
            own_currency = project.entity.spec.currency if project else None  # type: ignore[attr-defined]
            rows = cr_rows(rules, s, bac_by_project.get(ns), same_currency=own_currency in (None, currency))
            related = related_people(self.cat, project.entity if project else None)  # type: ignore[arg-type]
            required: list[str] = []
            for row in rows:
                required.extend(r for r in row.roles if r not in required)
            approved_roles: list[str] = []
            approvers: list[str] = []
            relations: list[str] = []
            given = [(e.by, e.role) for e in s.approval.approvals if e.decision == "approved"]
            for by, role in given:
                if role not in approved_roles:
                    approved_roles.append(role)
                if by not in approvers:
                    approvers.append(by)
                relations.extend(r for r in relations_of(by, related) if r not in relations)
            unmet = unmet_rows(rows, given, related)
            pending = s.approval.status == "requested"
            self.out[item.path] = {
                "pendingDays": _days(s.requested_date, self.as_of) if pending else None,
                "approved": s.approval.status == "approved",
                "approverRoles": approved_roles,
                "approvers": approvers,
                "requiredRoles": required,
                "approverRelations": relations,
                "approvalRows": [list(row.roles) for row in rows],
                "unmetApprovalRows": [list(row.roles) for row in unmet],
                "unmetApprovals": describe_rows(unmet, titles, related, self._label),
                "baselineExists": s.resulting_baseline is not None and s.resulting_baseline in baselines,
            }

    def _label(self, name: str) -> str:
        """A person's name as a director reads it: "Ben Carter (ben-carter)", the name alone when unknown."""
        found = self.cat.lookup(name, kinds=("Person",))
        shown = found.entity.spec.profile.display_name.strip() if found is not None else ""  # type: ignore[attr-defined]
        return f"{shown} ({name})" if shown and shown != name else name

    def _person(self, ref: str | None) -> tuple[str, str]:
        """A person as a director reads them, "Jo PM (jo-pm)", and what is wrong with the reference ("" if nothing)."""
        if not ref:
            return "", "no owner is named"
        found = self.cat.lookup(ref, kinds=("Person",))
        if found is None:
            parsed = parse_ref(ref)
            if parsed is None or self.cat.is_invalid(parsed, kinds=("Person",)):
                return ref, ""  # the person's file (or the reference) is already reported as invalid
            return ref, f"{ref} is not in the people register"
        spec = found.entity.spec  # type: ignore[attr-defined]
        label = f"{spec.profile.display_name} ({found.entity.metadata.name})"
        if not leaving(spec, self.as_of)[0]:
            return label, ""
        return label, f"{label} left on {spec.left_date}" if spec.left_date else f"{label} is marked inactive"

    def issues(self) -> None:
        """Facts of each issue: open or not, age, days past due, owner, escalation."""
        for item in self.cat.of_kind("Issue"):
            s = item.entity.spec  # type: ignore[attr-defined]
            live = s.state in OPEN_ISSUE_STATES
            late = live and s.due_date is not None and s.due_date < self.as_of
            owner, problem = self._person(s.owner)
            # a problem with an owner who is in the register is their having left (OPS017 reports those)
            left = bool(problem) and s.owner is not None and self.cat.lookup(s.owner, kinds=("Person",)) is not None
            level = s.escalation.level if s.escalation is not None else ""
            self.out[item.path] = {
                "open": live,
                "state": s.state,
                "severity": s.severity,
                "ageDays": _days(s.raised_date, self.as_of),
                "overdue": late,
                "daysOverdue": _days(s.due_date, self.as_of) if late else 0.0,
                "owner": owner or "no one",
                "ownerProblem": problem,
                "ownerLeft": left,
                "escalated": level not in ("", "project"),
                "escalationLevel": level,
            }

    def _issue_counts(self, project: str) -> dict[str, float]:
        """Open issues of a project, for its facts (``issues()`` ran before)."""
        escalate_after = self.spec.cadence.issue_escalation_days if self.spec else 10
        counts = dict.fromkeys(("open", "openCritical", "overdue", "unowned", "notEscalated"), 0.0)
        for item in self.cat.project_records(project, "Issue"):
            f = self.out.get(item.path, {})
            if not f.get("open"):
                continue
            counts["open"] += 1
            counts["openCritical"] += f["severity"] == "critical"
            counts["overdue"] += f["overdue"]
            counts["unowned"] += f["ownerProblem"] != ""
            counts["notEscalated"] += (
                f["severity"] in ("high", "critical") and f["ageDays"] > escalate_after and not f["escalated"]
            )
        return counts

    def decisions(self) -> None:
        """Each status report's decisions needed, with how long each has waited (``projects()`` ran before).

        A decision is followed from report to report by its ``id``, else by its wording (case and
        spacing ignored); it waits from the earliest of its own ``raisedDate`` and the first report
        of the project that lists it.
        """
        by_project: dict[str, list[LoadedEntity]] = defaultdict(list)
        for item in self.cat.of_kind("StatusReport"):
            by_project[item.entity.metadata.namespace or ""].append(item)
        for name, reports in by_project.items():
            project = self.cat.lookup(name, kinds=("Project",)) if name else None
            active = bool(project is not None and self.out.get(project.path, {}).get("active"))
            sponsor = project.entity.spec.sponsor if project is not None else None  # type: ignore[attr-defined]
            first: dict[str, dt.date] = {}
            for item in sorted(reports, key=lambda i: (i.entity.spec.report_date, i.path)):  # type: ignore[attr-defined]
                spec = item.entity.spec  # type: ignore[attr-defined]
                rows: list[dict[str, Any]] = []
                for entry in spec.decisions_needed:
                    d = None if isinstance(entry, str) else entry  # a plain sentence has only its text
                    text = d.decision if d else str(entry)
                    key = (d.id if d else None) or " ".join(text.split()).casefold()
                    raised = (d.raised_date if d else None) or spec.report_date
                    first[key] = min(first.get(key, raised), raised)
                    raised = first[key]
                    decided = d is not None and d.state == "decided"
                    end = d.decided_date if d and decided else None if decided else self.as_of
                    label, _problem = self._person((d.decider if d else None) or sponsor)
                    needed_by = d.needed_by if d else None
                    rows.append(
                        {
                            "text": text,
                            "id": (d.id if d else None) or "",
                            "state": "decided" if decided else "open",
                            "raisedDate": raised.isoformat(),
                            "waitingDays": _days(raised, end) if end is not None else None,
                            "neededBy": needed_by.isoformat() if needed_by else None,
                            "pastNeededBy": not decided and needed_by is not None and needed_by < self.as_of,
                            "decider": label or "the sponsor",
                        }
                    )
                facts = self.out.setdefault(item.path, {})
                facts["decisions"] = rows
                facts["openDecisions"] = float(sum(r["state"] == "open" for r in rows))
                facts["projectActive"] = active

    def benefits(self) -> None:
        for item in self.cat.of_kind("Benefit"):
            benefit: Benefit = item.entity  # type: ignore[assignment]
            actuals = sorted(benefit.spec.actuals, key=lambda a: a.date)
            self.out[item.path] = {
                "overdue": benefit.spec.target_date < self.as_of and not actuals,
                "lastActual": actuals[-1].value if actuals else None,
            }

    def waivers(self) -> None:
        for item in self.cat.of_kind("Waiver"):
            expires = item.entity.spec.expires  # type: ignore[attr-defined]
            self.out[item.path] = {"expired": expires < self.as_of, "daysToExpiry": _days(self.as_of, expires)}

    def people(self) -> None:
        spec = self.spec
        max_percent = spec.thresholds.allocation_max_percent if spec else 100.0
        required: dict[str, list[str]] = defaultdict(list)
        for req in spec.required_trainings if spec else []:
            required[req.role].extend(req.courses)
        intervals: dict[str, list[Interval]] = defaultdict(list)
        people = {item.entity.metadata.name: item for item in self.cat.of_kind("Person")}
        for item in self.cat.of_kind("Allocation"):
            alloc = item.entity.spec  # type: ignore[attr-defined]
            person = self.cat.lookup(alloc.person, kinds=("Person",))
            if person is None:
                continue
            hours = person.entity.spec.capacity.hours_per_week  # type: ignore[attr-defined]
            for a in alloc.assignments:
                pct = percent_of_capacity(a.load.percent, a.load.hours_per_week, hours)
                intervals[person.path].append(Interval(a.start, a.end, pct))
        for item in people.values():
            p = item.entity.spec  # type: ignore[attr-defined]
            peaks = monthly_peak_load(intervals.get(item.path, ()))
            latest: dict[str, Any] = {}
            for t in sorted(p.trainings, key=lambda t: t.date):
                latest[t.course] = t
            expired = sorted(c for c, t in latest.items() if t.expires is not None and t.expires < self.as_of)
            needed: list[str] = []
            for role in p.roles:
                needed.extend(c for c in required.get(role, ()) if c not in needed)
            self.out[item.path] = {
                "maxLoadPercent": max(peaks.values(), default=0.0),
                "overAllocatedMonths": over_allocated(peaks, max_percent),
                "loadByMonth": peaks,
                "roles": list(p.roles),
                "expiredTrainings": expired,
                "missingTrainings": [c for c in needed if c not in latest],
            }

    def projects(self, latest: dict[str, LoadedEntity]) -> dict[str, float | None]:
        spec = self.spec
        phases = [ph.id for ph in spec.lifecycle.phases] if spec else []
        escalation = spec.risk_matrix.escalation_score if spec else 10**9
        method = spec.evm.eac_method if spec else "bac-over-cpi"
        criteria = [(c.id, c.weight, c.scale_max) for c in spec.prioritization.criteria] if spec else []
        use_wsjf = spec is not None and spec.prioritization.method == "wsjf"
        bac_by_project: dict[str, float | None] = {}
        scores: dict[str, float | None] = {}
        for item in self.cat.of_kind("Project"):
            project: Project = item.entity  # type: ignore[assignment]
            name = project.metadata.name
            f = self._project(item, project, latest.get(name), phases, escalation, method)
            inputs = project.spec.prioritization
            score: float | None = None
            if inputs is not None:
                if use_wsjf and inputs.wsjf is not None:
                    w = inputs.wsjf
                    score = wsjf_score(w.business_value, w.time_criticality, w.risk_reduction, w.job_size)
                elif not use_wsjf:
                    score = weighted_score(inputs.criteria, criteria)
            f["priorityScore"] = score
            scores[item.path] = score
            bac_by_project[name] = f["bac"]
            self.out[item.path] = f
        # an invalid project file hides a score that could sit above or below any other: no rank is
        # better than a rank shifted by its absence
        unknown = bool(self.cat.invalid_names("Project"))
        for path, rank in ranks(scores).items():
            self.out[path]["computedRank"] = None if rank is None or unknown else float(rank)
        return bac_by_project

    def _project(
        self,
        item: LoadedEntity,
        project: Project,
        latest: LoadedEntity | None,
        phases: list[str],
        escalation: int,
        method: str,
    ) -> dict[str, Any]:
        s = project.spec
        name = project.metadata.name
        as_of = self.as_of
        phase = s.lifecycle.phase
        meaning = self.meanings.get(phase, UNKNOWN)
        closed = meaning.stage == "closed" or s.lifecycle.state == "completed"
        phase_index = phases.index(phase) if phase in phases else -1
        cfg_phases = self.spec.lifecycle.phases if self.spec else []
        # the project's own plan of the lifecycle decides which gates and fields are due (tailoring)
        steps = steps_until(cfg_phases, s.lifecycle)
        gates_required = gates_of(steps)
        # the gate that approved the baseline: the start gate of the first phase so far that works to one
        baseline_gate = next((st.gate for st in steps if st.gate and self.meanings[st.phase.id].baseline), None)
        fields_required = fields_of(steps)
        gates_approved = approved_gates(s.lifecycle)

        baseline = s.baseline()
        bac = baseline.budget.bac if baseline else (s.budget.bac if s.budget else None)
        actual_cost = float(sum(a.cost for a in s.actuals))

        status: dict[str, Any] = {"exists": False, "date": None, "ageDays": None, "missingComments": []}
        status.update(dict.fromkeys(DIMENSIONS, ""))
        evm: dict[str, Any] | None = None
        if latest is not None:
            rs = latest.entity.spec  # type: ignore[attr-defined]
            status.update(exists=True, date=rs.report_date.isoformat(), ageDays=_days(rs.report_date, as_of))
            for dim in DIMENSIONS:
                d = getattr(rs.health, dim)
                status[dim] = d.rag
                if d.rag != "green" and not (d.comment or "").strip():
                    status["missingComments"].append(dim)
            if rs.evm is not None:
                evm = compute_evm(rs.evm.pv, rs.evm.ev, rs.evm.ac, bac, method).as_dict()

        open_risks = critical = escalated = 0
        max_score = 0.0
        for r in self.records[("Risk", name)]:
            rf = self.out.get(r.path, {})
            if not rf.get("open"):
                continue
            open_risks += 1
            score = rf.get("score")
            if score is not None:
                max_score = max(max_score, score)
                escalated += is_escalated(score, escalation)
            # a critical opportunity is good news: only threats are red signals (TAC004)
            critical += rf.get("rank") == "critical" and r.entity.spec.type != "opportunity"  # type: ignore[attr-defined]

        overdue = sum(
            1
            for m in s.milestones
            if m.key and m.actual_date is None and m.status not in ("done", "cancelled") and m.forecast_date < as_of
        )
        forecast = s.schedule.forecast.finish if s.schedule.forecast else None
        slip = _days(baseline.schedule.finish, forecast) if baseline and forecast else None
        # key milestones against the dates the active baseline fixed (actual date when done, else forecast)
        planned = baseline.schedule.milestones if baseline else {}
        milestone_slips = {
            m.id: _days(planned[m.id], m.actual_date or m.forecast_date)
            for m in s.milestones
            if m.key and m.id in planned and m.status != "cancelled"
        }

        open_crs = approved_crs = 0
        cr_cats: set[str] = set()
        for c in self.records[("ChangeRequest", name)]:
            cs = c.entity.spec  # type: ignore[attr-defined]
            if cs.approval.status == "requested" and cs.state != "withdrawn":
                open_crs += 1
            if cs.approval.status == "approved":
                approved_crs += 1
            if cs.state != "withdrawn" and cs.approval.status != "rejected":
                cr_cats.update(cs.category)

        aligned = 0
        for a in s.alignment.goals:
            if a.impact == "none":
                continue  # the project says it does nothing for this goal: not alignment
            goal = self.cat.lookup(a.goal, kinds=("StrategicGoal",))
            if goal is not None and goal.entity.spec.state == "active":  # type: ignore[attr-defined]
                aligned += 1

        benefit_refs = {b.ref for b in self.records[("Benefit", name)]}
        for ref in s.benefits:
            found = self.cat.lookup(ref, kinds=("Benefit",), namespace=name)
            if found is not None:
                benefit_refs.add(found.ref)

        closed_days = None
        # a completed project counts as closed whatever phase it was left in (docs/lifecycle.md)
        if (closed or meaning.stage == "closing") and s.schedule.actual and s.schedule.actual.finish:
            closed_days = _days(s.schedule.actual.finish, as_of)

        documents = s.documents.model_dump(by_alias=True)
        missing_docs = [k for k in DOCUMENT_KEYS if documents.get(k) and documents[k] not in self.files]

        thresholds = self.spec.thresholds if self.spec else None
        cpi = evm["cpi"] if evm else None
        spi = evm["spi"] if evm else None
        red = (
            (thresholds is not None and cpi is not None and cpi < thresholds.cpi.red)
            or (thresholds is not None and spi is not None and spi < thresholds.spi.red)
            or overdue > 0
            or critical > 0
        )
        return {
            "active": s.lifecycle.state == "active" and not closed,
            "phaseIndex": float(phase_index),
            "phase": phase,
            "phaseKnown": phase in self.meanings,
            "stage": meaning.stage or "",
            "reached": meaning.reached(),
            "inExecution": meaning.stage == "execution",
            "closing": meaning.stage in ("closing", "closed"),
            "closed": closed,
            "needsStatusReports": meaning.status_reports,
            "needsBaseline": meaning.baseline,
            "tracksBenefits": meaning.benefits_tracked,
            "state": s.lifecycle.state,
            "gatesApproved": gates_approved,
            "gatesRequired": gates_required,
            "baselineGate": baseline_gate,
            "missingRequiredFields": [p for p in fields_required if not pointer_present(item.data, p)],
            "bac": bac,
            "actualCost": actual_cost,
            "budgetVariancePct": (actual_cost - bac) / bac * 100 if bac else None,
            "evm": evm,
            "status": status,
            "risks": {
                "open": float(open_risks),
                "openEscalated": float(escalated),
                "maxScore": max_score,
                "openCritical": float(critical),
            },
            "keyMilestonesOverdue": float(overdue),
            "finishSlipDays": slip,
            "keyMilestoneSlipDays": milestone_slips,
            "maxKeyMilestoneSlipDays": max(milestone_slips.values(), default=None),
            "openCrCount": float(open_crs),
            "approvedCrCount": float(approved_crs),
            "scheduleCrOpenOrApproved": "schedule" in cr_cats,
            "costCrOpenOrApproved": "cost" in cr_cats,
            "alignedGoals": float(aligned),
            "priorityScore": None,
            "computedRank": None,
            "maturityLevel": "",
            "benefitsCount": float(len(benefit_refs)),
            "closedDaysAgo": closed_days,
            "watermelon": status["overall"] == "green" and red,
            "documentsMissing": missing_docs,
            "issues": self._issue_counts(name),
        }

    def groupings(self) -> None:
        """Portfolio budget roll-ups, goal contributors, program projects, team members."""
        start_month = self.spec.fiscal_year_start_month if self.spec else 1
        approved: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        contributors: dict[str, set[str]] = defaultdict(set)
        program_projects: dict[str, int] = defaultdict(int)
        team_members: dict[str, set[str]] = defaultdict(set)
        elsewhere: dict[str, list[str]] = defaultdict(list)  # approved projects budgeted in another currency
        unplaced: dict[str, list[str]] = defaultdict(list)  # approved projects no dates place in a fiscal year
        pmo_currency = self.spec.currency if self.spec else None

        def resolve(ref: str | None, kind: str) -> LoadedEntity | None:
            return self.cat.lookup(ref, kinds=(kind,)) if ref else None

        program_portfolio: dict[str, LoadedEntity | None] = {}
        for item in self.cat.of_kind("Program"):
            ps = item.entity.spec  # type: ignore[attr-defined]
            program_portfolio[item.path] = resolve(ps.portfolio, "Portfolio")
            for ref in ps.goals:
                goal = resolve(ref, "StrategicGoal")
                if goal is not None:
                    contributors[goal.path].add(item.ref)
        for item in self.cat.of_kind("Project"):
            ps = item.entity.spec  # type: ignore[attr-defined]
            program = resolve(ps.program, "Program")
            if program is not None:
                program_projects[program.path] += 1
            for a in ps.alignment.goals:
                goal = resolve(a.goal, "StrategicGoal") if a.impact != "none" else None
                if goal is not None:
                    contributors[goal.path].add(item.ref)
            portfolio = resolve(ps.portfolio, "Portfolio") or (program_portfolio.get(program.path) if program else None)
            if portfolio is None:
                continue
            reached = self.meanings.get(ps.lifecycle.phase, UNKNOWN).reached()["planning"]
            if approved_bac(item.entity, reached) is None:  # type: ignore[arg-type]
                continue  # an estimate, not yet approved: it does not count
            by_year = bac_by_fiscal_year(item.entity, reached, start_month)  # type: ignore[arg-type]
            own = ps.currency or pmo_currency
            envelope = portfolio.entity.spec.currency or pmo_currency  # type: ignore[attr-defined]
            if own and envelope and own != envelope:
                # no exchange rate is known: an amount in another currency cannot be added to the envelope's
                elsewhere[portfolio.path].append(item.ref)
                continue
            if not by_year:
                # approved, but no time-phased budget and no dates say in which fiscal year it falls
                unplaced[portfolio.path].append(item.ref)
                continue
            for year, amount in by_year.items():
                approved[portfolio.path][year] += amount
        for item in self.cat.of_kind("Portfolio"):
            budget = {str(b.fiscal_year): float(b.amount) for b in item.entity.spec.budget}  # type: ignore[attr-defined]
            spent = {y: round(approved[item.path][y], 2) for y in sorted(approved[item.path])}  # cents
            self.out[item.path] = {
                "approvedBacByYear": spent,
                "budgetByYear": budget,
                "overBudgetYears": [y for y, amount in budget.items() if spent.get(y, 0.0) > amount],
                "otherCurrencyProjects": sorted(elsewhere[item.path]),
                "unplacedProjects": sorted(unplaced[item.path]),
            }
        for item in self.cat.of_kind("Person"):
            for ref in item.entity.spec.member_of:  # type: ignore[attr-defined]
                team = resolve(ref, "Team")
                if team is not None:
                    team_members[team.path].add(item.ref)
        for item in self.cat.of_kind("Team"):
            for ref in item.entity.spec.members:  # type: ignore[attr-defined]
                person = resolve(ref, "Person")
                team_members[item.path].add(person.ref if person else ref)
            self.out[item.path] = {"members": float(len(team_members[item.path]))}
        for item in self.cat.of_kind("StrategicGoal"):
            self.out[item.path] = {"contributors": float(len(contributors[item.path]))}
        for item in self.cat.of_kind("Program"):
            self.out[item.path] = {"projects": float(program_projects[item.path])}
        for item in self.cat.of_kind("Allocation"):
            self.out[item.path] = {}


def config_facts(catalog: Catalog) -> dict[str, Any]:
    """``pmo.yaml``'s spec with every default filled in, camelCase keys, JSON values."""
    pmo = catalog.config
    if pmo is None:
        return {}
    data: dict[str, Any] = pmo.spec.model_dump(by_alias=True, mode="json")
    return data


def compute_facts(catalog: Catalog, as_of: dt.date, files: frozenset[str] = frozenset()) -> Facts:
    """Every entity's facts, in dependency order: risks and reports before the projects that use them."""
    b = _Builder(catalog, as_of, files)
    b.risks()
    b.issues()
    latest = b.status_reports()
    b.benefits()
    b.waivers()
    b.people()
    bac_by_project = b.projects(latest)
    b.decisions()
    b.change_requests(bac_by_project)
    b.groupings()
    _closure_and_appraisal(b)
    return Facts(as_of=as_of, config=config_facts(catalog), by_path=b.out)


def _closure_and_appraisal(b: _Builder) -> None:
    """Appraisal facts of projects, and the review of their benefits after closure (projects, then benefits)."""
    from pmo_lint.facts.appraisal import appraisal_facts
    from pmo_lint.facts.benefits_review import benefit_review_facts, project_review_facts

    method = b.spec.appraisal.method if b.spec else "commercial"
    window = b.spec.cadence.benefit_review_window_days if b.spec else 30
    closed: dict[str, bool] = {}
    for item in b.cat.of_kind("Project"):
        f = b.out.setdefault(item.path, {})
        closed[item.entity.metadata.name] = bool(f.get("closed"))
        f.update(appraisal_facts(b.cat, item, method))
        f.update(project_review_facts(b.cat, item, b.as_of, int(f.get("benefitsCount") or 0), b._person))
    for item in b.cat.of_kind("Benefit"):
        b.out.setdefault(item.path, {}).update(benefit_review_facts(b.cat, item, b.as_of, window, closed))


def fill_maturity(facts: Facts, catalog: Catalog, reported: Iterable[tuple[str, str, str]]) -> None:
    """Set each project's ``maturityLevel`` from what the rules reported: (file, code, rule id) triples.

    A finding counts against a project when it is on a file under ``projects/<name>/``.
    """
    from pmo_lint.facts.maturity import check_fails, maturity_level

    pmo = catalog.config
    if pmo is None:
        return
    levels = [(lv.name, lv.checks) for lv in pmo.spec.levels]
    failing: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, code, rule in reported:
        parts = path.split("/")
        if len(parts) > 2 and parts[0] == "projects":
            failing[parts[1]].append((code, rule))
    for item in catalog.of_kind("Project"):
        fails = failing.get(item.path.split("/")[1], []) if item.path.startswith("projects/") else []
        level = maturity_level(levels, lambda check, fails=fails: not check_fails(check, fails))  # type: ignore[misc]
        facts.by_path.setdefault(item.path, {})["maturityLevel"] = level
