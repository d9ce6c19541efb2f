"""The compact cache form of a file's outcome rebuilds exactly what processing the file gives."""

from __future__ import annotations

import pytest

from pmo_lint.cache.files import decode, encode
from pmo_lint.loader.yamlio import DEFAULT_LIMITS
from pmo_lint.outcome import process_bytes

CASES = {
    "valid": b"apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: jdoe\nspec:\n"
    b"  profile: {displayName: Jo}\n  roles: [project-manager]\n",
    "schema error": b"apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: jdoe\nspec:\n"
    b"  profile: {displayName: Jo}\n  roles: [project-manager]\n  capacty: 3\n",
    "yaml 1.1 note": b"apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: jdoe\n  labels: {country: NO}\n"
    b"spec:\n  profile: {displayName: Jo}\n  roles: [project-manager]\n",
    "syntax": b"apiVersion: [unclosed\n",
    "directive": b"# pmo-lint: disable=PMO010 -- a reason\napiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n"
    b"  name: jdoe\n  labels: {country: NO}\nspec:\n  profile: {displayName: Jo}\n  roles: [project-manager]\n",
    "aliases and numbers": b"apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: jdoe\n"
    b"  labels: &l {a: b}\n  annotations: *l\nspec:\n  profile: {displayName: Jo}\n  roles: [project-manager]\n"
    b"  capacity: {hoursPerWeek: 37.5, fte: 1}\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_round_trip(name: str) -> None:
    original = process_bytes("people/jdoe.yaml", CASES[name], DEFAULT_LIMITS)
    payload = encode(original)
    assert payload is not None
    moved = decode("people/copy.yaml", payload)  # the same content at another path
    again = decode("people/jdoe.yaml", payload)
    assert again is not None and moved is not None
    assert again.diagnostics == original.diagnostics
    assert again.directives == original.directives
    assert all(d.path == "people/copy.yaml" for d in moved.diagnostics)
    if original.loaded is None:
        assert again.loaded is None
    else:
        assert again.loaded is not None
        assert again.loaded.data == original.loaded.data
        assert again.loaded.entity == original.loaded.entity
        assert moved.loaded is not None and moved.loaded.path == "people/copy.yaml"


def test_garbage_payload_is_a_miss() -> None:
    assert decode("x.yaml", b"\x00garbage") is None
    assert decode("x.yaml", b"") is None
