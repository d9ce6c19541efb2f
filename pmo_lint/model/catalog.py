"""The loaded portfolio: every valid entity with its file, indexed for lookups by reference."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pmo_lint.model.base import Entity
from pmo_lint.model.kinds import ALL_KINDS, PMOConfig
from pmo_lint.model.refs import NAMESPACED_KINDS, ParsedRef, parse_ref

E = TypeVar("E", bound=Entity)


@dataclass(frozen=True, eq=False)
class LoadedEntity:
    entity: Entity
    path: str  # posix, relative to the portfolio root
    data: dict[str, Any]  # the raw data as written (what CEL policies see)

    @property
    def kind(self) -> str:
        return self.entity.KIND

    @property
    def ref(self) -> str:
        return self.entity.ref


@functools.cache
def _layout() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for model in ALL_KINDS:
        pattern = re.escape(model.FOLDER.removesuffix(".yaml"))
        for field_name in ("name", "namespace", "year"):
            pattern = pattern.replace(re.escape("{" + field_name + "}"), f"(?P<{field_name}>[^/]+)")
        out.append((re.compile(pattern + r"\.ya?ml"), model.KIND))
    return tuple(out)


def ref_from_path(rel: str) -> str:
    """The identity the repository layout gives a file ("" when none), for files whose content cannot say."""
    for pattern, kind in _layout():
        m = pattern.fullmatch(rel)
        if m:
            groups = m.groupdict()
            name = groups.get("name") or ""
            ns = f"{groups['namespace']}/" if groups.get("namespace") else ""
            return f"{kind.lower()}:{ns}{name}" if name else ""
    return ""


def _key(kind: str, namespace: str | None, name: str) -> tuple[str, str, str]:
    return (kind, (namespace or "").lower(), name.lower())


@dataclass
class Catalog:
    entities: list[LoadedEntity] = field(default_factory=list)
    _by_key: dict[tuple[str, str, str], list[LoadedEntity]] = field(default_factory=lambda: defaultdict(list))
    _by_kind: dict[str, list[LoadedEntity]] = field(default_factory=lambda: defaultdict(list))
    # identities of files that exist but failed validation: references to them are not dangling
    _invalid: set[tuple[str, str, str]] = field(default_factory=set)
    # (kind, namespace as written) -> a project's records; a scan of every record per project was quadratic
    _by_namespace: dict[tuple[str, str], list[LoadedEntity]] = field(default_factory=lambda: defaultdict(list))
    # answers of lookup() by its arguments: rules and facts resolve the same owners and sponsors a million times
    # at 10,000 projects, and the catalog does not change once built
    _lookups: dict[tuple[str, tuple[str, ...], str | None], LoadedEntity | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def build(cls, items: Iterable[LoadedEntity], invalid_refs: Iterable[str] = ()) -> Catalog:
        cat = cls()
        for item in sorted(items, key=lambda i: i.path):
            cat.entities.append(item)
            md = item.entity.metadata
            cat._by_key[_key(item.kind, md.namespace, md.name)].append(item)
            cat._by_kind[item.kind].append(item)
            cat._by_namespace[(item.kind, md.namespace or "")].append(item)
        for ref in invalid_refs:
            parsed = parse_ref(ref)
            if parsed is not None and parsed.kind is not None:
                cat._invalid.add(_key(parsed.kind, parsed.namespace, parsed.name))
        return cat

    def is_invalid(self, parsed: ParsedRef, *, kinds: tuple[str, ...], namespace: str | None = None) -> bool:
        """True when the reference names an entity whose file exists but failed validation."""
        for kind in (parsed.kind,) if parsed.kind else kinds:
            ns = parsed.namespace if parsed.namespace else (namespace if kind in NAMESPACED_KINDS else None)
            if _key(kind, ns, parsed.name) in self._invalid:
                return True
        return False

    def invalid_names(self, kind: str) -> list[str]:
        """Names of the entities of ``kind`` whose files exist but failed validation."""
        return sorted(name for k, _ns, name in self._invalid if k == kind)

    def of_kind(self, kind: str) -> list[LoadedEntity]:
        return self._by_kind.get(kind, [])

    def typed(self, model: type[E]) -> Iterator[tuple[E, LoadedEntity]]:
        for item in self._by_kind.get(model.KIND, []):
            yield item.entity, item  # type: ignore[misc]

    def duplicates(self) -> Iterator[list[LoadedEntity]]:
        for items in self._by_key.values():
            if len(items) > 1:
                yield items

    @property
    def config(self) -> PMOConfig | None:
        items = self._by_kind.get("PMOConfig", [])
        return items[0].entity if items else None  # type: ignore[return-value]

    def lookup(
        self, ref: str | ParsedRef, *, kinds: tuple[str, ...], namespace: str | None = None
    ) -> LoadedEntity | None:
        """Resolve a reference. ``kinds[0]`` is the default kind; ``namespace`` the default
        namespace for project-scoped kinds (the referring entity's project)."""
        if isinstance(ref, str):
            key = (ref, kinds, namespace)
            if key in self._lookups:
                return self._lookups[key]
            found = self._resolve(parse_ref(ref), kinds, namespace)
            self._lookups[key] = found
            return found
        return self._resolve(ref, kinds, namespace)

    def _resolve(self, parsed: ParsedRef | None, kinds: tuple[str, ...], namespace: str | None) -> LoadedEntity | None:
        if parsed is None:
            return None
        candidates = (parsed.kind,) if parsed.kind else kinds
        for kind in candidates:
            if kind is None:
                continue
            ns = parsed.namespace if parsed.namespace else (namespace if kind in NAMESPACED_KINDS else None)
            found = self._by_key.get(_key(kind, ns, parsed.name))
            if found:
                return found[0]
        return None

    def project_records(self, project: str, kind: str) -> list[LoadedEntity]:
        """Risks, change requests, status reports or benefits of one project, in path order."""
        return list(self._by_namespace.get((kind, project), ()))
