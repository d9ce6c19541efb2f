"""Running compiled rules over the catalog: one set of CEL variables per entity, messages filled from
the full values, a rule that fails while it runs reported once at its line, and earlier results
taken from a memo (:class:`PolicyMemoStore`) for entities whose inputs did not change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from pmo_lint.rules import cel_adapter
from pmo_lint.rules.base import Finding, RuleContext, RuleMeta
from pmo_lint.rules.policy.analysis import SPEC_VARIABLE, merge_reads
from pmo_lint.rules.policy.compiler import cel_reason
from pmo_lint.rules.policy.message import render_message
from pmo_lint.rules.policy.pack import POLICY_ERROR, PolicyRule
from pmo_lint.rules.wording import MessageStyle, format_value, style_of

if TYPE_CHECKING:
    from pmo_lint.facts import Facts
    from pmo_lint.model.catalog import LoadedEntity

# bounds on the data CEL is handed (the compiler bounds the expressions): with these caps one rule
# on one entity stays under ~10^6 steps
MAX_LIST_ITEMS = 1000
MAX_STRING_CHARS = 10_000

# one stored finding: (rule index in its kind group, or -2 - i when rule i could not be evaluated;
# message; data path)
MemoRow = tuple[int, str, tuple[Any, ...]]


class PolicyMemoStore(Protocol):
    """Findings of earlier runs by a digest of everything an entity's verdicts depend on.

    ``log`` collects the ``exists`` answers of the entity being evaluated (the CEL ``exists``
    function appends to it), so a stored entry is reused only while those answers still hold.
    """

    log: list[tuple[str, bool]]

    def group(
        self, rules: Sequence[Any], config: Mapping[str, Any], as_of: str, *, extra: object = None
    ) -> bytes | None: ...

    def entity_key(self, group: bytes, rel: str, data: Any, facts: Any) -> bytes | None: ...

    def lookup(self, key: bytes, exists: Callable[[str], bool]) -> tuple[MemoRow, ...] | None: ...

    def record(self, key: bytes, rows: Sequence[MemoRow]) -> None: ...


def normalise(value: Any) -> Any:
    """Ints to floats (CEL does not mix int and double), dates to ISO strings, sizes capped."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING_CHARS else value[:MAX_STRING_CHARS]
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value[:MAX_LIST_ITEMS]]
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)


def _pick(data: Any, keys: frozenset[str] | None) -> Any:
    if keys is None or not isinstance(data, dict):
        return data
    return {k: data[k] for k in keys if k in data}


def file_exists(files: frozenset[str], path: object) -> bool:
    """CEL's ``exists(path)``: a file at that path relative to the portfolio root (never outside it)."""
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
        return False
    return str(PurePosixPath(path)) in files


def cel_functions(
    as_of: str, files: frozenset[str], log: list[tuple[str, bool]] | None = None
) -> dict[str, Callable[..., Any]]:
    """The functions we add to CEL; ``log`` (the policy memo's) records every ``exists`` answer."""
    from pmo_lint.facts.dates import days_between, parse_date

    def exists(path: str) -> bool:
        answer = file_exists(files, path)
        if log is not None and isinstance(path, str):
            log.append((path, answer))
        return answer

    return {
        "daysBetween": days_between,
        "daysSince": lambda a: days_between(a, as_of),
        "isBefore": lambda a, b: parse_date(a) < parse_date(b),
        "exists": exists,
    }


def _base_context(ctx: RuleContext, facts: Facts, memo: PolicyMemoStore | None = None) -> Any:
    cel, stdlib = cel_adapter.modules()
    context = cel.Context()
    stdlib.add_stdlib_to_context(context)
    as_of = ctx.as_of.isoformat()
    for name, func in cel_functions(as_of, ctx.files, memo.log if memo is not None else None).items():
        context.add_function(name, func)
    context.add_variable("config", normalise(facts.config))
    context.add_variable("asOf", as_of)
    return context


def _explain(exc: BaseException) -> str:
    text = cel_reason(exc)
    if isinstance(exc, KeyError):
        return f"field {text} is missing; guard it with has(…)"
    if isinstance(exc, IndexError):
        return f"list index out of range ({text})"
    if text.startswith("No such overload"):
        return "no such overload: operands of the wrong type (a null, or int mixed with double?)"
    return text[:300]


def evaluate(
    rules: Sequence[PolicyRule], ctx: RuleContext, facts: Facts, memo: PolicyMemoStore | None = None
) -> list[tuple[RuleMeta, Finding]]:
    """Run policy rules over every entity of their kinds: one set of CEL variables per entity.

    With a ``memo`` (the cache's policy memo), an entity whose data, facts and ``exists`` answers
    are as on a previous run gets that run's findings back without going through CEL.
    """
    by_kind: dict[str, list[PolicyRule]] = {}
    for rule in rules:
        # without a valid pmo.yaml (its problems are reported) rules that read config cannot be judged
        if rule.programs and (facts.config or "config" not in rule.roots):
            by_kind.setdefault(rule.kind, []).append(rule)
    if not by_kind:
        return []
    run = _Evaluation(ctx, facts, memo)
    for kind in sorted(by_kind):
        run.kind(kind, by_kind[kind])
    run.out.extend((POLICY_ERROR, _failure_finding(rule, key, items)) for key, (rule, items) in run.failures.items())
    return run.out


class _Evaluation:
    """One :func:`evaluate` call: the CEL context (built at the first entity the memo cannot
    answer, then reused), the findings, and the rules that failed on some entity."""

    def __init__(self, ctx: RuleContext, facts: Facts, memo: PolicyMemoStore | None) -> None:
        self.ctx, self.facts, self.memo = ctx, facts, memo
        self.context: Any = None
        self.as_of = ctx.as_of.isoformat()
        self.exists_now = functools.partial(file_exists, ctx.files)  # re-checks a stored entry's exists() answers
        self.style = style_of(ctx.catalog)
        self.out: list[tuple[RuleMeta, Finding]] = []
        self.failures: dict[tuple[str, str, str], tuple[PolicyRule, list[LoadedEntity]]] = {}

    def failed(self, rule: PolicyRule, text: str, item: LoadedEntity) -> None:
        stage, _, reason = text.partition(_FAILURE_SEP)
        self.failures.setdefault((rule.meta.code, stage, reason), (rule, []))[1].append(item)

    def kind(self, kind: str, kind_rules: list[PolicyRule]) -> None:
        """Every entity of one kind: from the memo where it knows the answer, through CEL otherwise."""
        memo = self.memo
        reads = merge_reads(kind_rules)
        # messages name people and money: a renamed person or a new currency changes them
        group = memo.group(kind_rules, self.facts.config, self.as_of, extra=self.style) if memo is not None else None
        config_set = False
        for item in self.ctx.catalog.of_kind(kind):
            data = item.data
            entity_facts = self.facts.of(item)
            key = memo.entity_key(group, item.path, data, entity_facts) if memo and group else None
            if memo is not None and key is not None:
                rows = memo.lookup(key, self.exists_now)
                if rows is not None:
                    self._replay(kind_rules, item, rows)
                    continue
            if memo is not None:
                memo.log.clear()
            if self.context is None:
                self.context = _base_context(self.ctx, self.facts, memo)
            if not config_set:
                self.context.add_variable(
                    "config", normalise(_pick(self.facts.config, reads.get("config", frozenset())))
                )
                config_set = True
            rows_out = self._entity(kind_rules, reads, item, data, entity_facts)
            if memo is not None and key is not None:
                memo.record(key, rows_out)

    def _replay(self, kind_rules: list[PolicyRule], item: LoadedEntity, rows: Sequence[MemoRow]) -> None:
        for index, message, path in rows:
            if index >= 0:
                self.out.append((kind_rules[index].meta, Finding(message, item, path)))
            elif index <= -2:  # -2 - i: rule i could not be evaluated
                self.failed(kind_rules[-2 - index], message, item)

    def _entity(
        self,
        kind_rules: list[PolicyRule],
        reads: Mapping[str, frozenset[str] | None],
        item: LoadedEntity,
        data: dict[str, Any],
        entity_facts: dict[str, Any],
    ) -> list[MemoRow]:
        """Run the kind's rules on one entity through CEL; the rows a memo stores for it."""
        context = self.context
        if "entity" in reads:
            context.add_variable("entity", normalise(_pick(data, reads["entity"])))
        if SPEC_VARIABLE in reads:
            context.add_variable(SPEC_VARIABLE, normalise(_pick(data.get("spec") or {}, reads[SPEC_VARIABLE])))
        context.add_variable("facts", normalise(_pick(entity_facts, reads.get("facts", frozenset()))))
        # messages read the full values in Python; only CEL gets the trimmed ones
        scope = {"entity": data, "facts": entity_facts, "config": self.facts.config, "asOf": self.as_of}
        rows_out: list[MemoRow] = []
        for index, rule in enumerate(kind_rules):
            for meta, finding in _run_rule(rule, context, scope, item, self.style):
                if meta is POLICY_ERROR:
                    self.failed(rule, finding.message, item)
                    rows_out.append((-2 - index, finding.message, ()))
                else:
                    self.out.append((meta, finding))
                    rows_out.append((index, finding.message, finding.data_path))
        return rows_out


_FAILURE_SEP = "\x1f"  # joins stage and reason of a failure while entities are evaluated


def _failure_finding(rule: PolicyRule, key: tuple[str, str, str], items: Sequence[LoadedEntity]) -> Finding:
    """One finding per broken rule, at the rule's line in its pack, naming a few entities it failed on."""
    _, stage, reason = key
    paths = sorted({item.path for item in items})
    if len(items) == 1:
        where = f"on {rule.kind} {items[0].entity.metadata.name} ({paths[0]})"
    else:
        shown = ", ".join(paths[:3]) + (", …" if len(paths) > 3 else "")
        where = f"on {len(items)} {rule.kind} files ({shown})"
    return Finding(
        f"rule {rule.meta.code} ({rule.meta.id}) cannot be evaluated: `{stage}` failed {where}: {reason}",
        path=rule.pack_path,
        line=rule.lines.get(stage, rule.line),
        col=1,
    )


def _truth(rule: PolicyRule, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"`{key}` must give true or false, not {type(value).__name__} {format_value(value)}")
    return value


def _run_rule(
    rule: PolicyRule, context: Any, scope: dict[str, Any], item: LoadedEntity, style: MessageStyle | None = None
) -> Iterator[tuple[RuleMeta, Finding]]:
    progs = rule.programs
    stage = "when"
    try:
        if "each" not in progs:
            if "when" in progs and not _truth(rule, "when", progs["when"].execute(context)):
                return
            stage = "assert"
            if not _truth(rule, "assert", progs["assert"].execute(context)):
                yield rule.meta, Finding(render_message(rule.message, scope, style), item, rule.path)
            return
        stage = "each"
        items = progs["each"].execute(context)
        if items is None:
            return  # an absent optional list has no items to check
        if not isinstance(items, list):
            raise TypeError(f"`each` must give a list, not {type(items).__name__}")
        for index, element in enumerate(items[:MAX_LIST_ITEMS]):
            element = normalise(element)
            context.add_variable("item", element)
            context.add_variable("index", float(index))
            stage = "when"
            if "when" in progs and not _truth(rule, "when", progs["when"].execute(context)):
                continue
            stage = "assert"
            if not _truth(rule, "assert", progs["assert"].execute(context)):
                local = {**scope, "item": element, "index": float(index)}
                yield rule.meta, Finding(render_message(rule.message, local, style), item, (*rule.path, index))
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a failure (even a Rust panic) on one entity is a finding, not a crash
        # evaluate() gathers these into one finding per rule, at the rule's line
        yield POLICY_ERROR, Finding(f"{stage}{_FAILURE_SEP}{_explain(exc)}", item)
