"""Where the generated CI and pre-commit files install pmo-lint from: one source for all of them.

``init --install SPEC`` names it: a released version (``0.2.0``), a Git URL with a ref
(``git+https://github.com/org/pmo-lint@v0.2.0``) or a local folder or wheel. Without it, the
source is how the running pmo-lint was installed (PEP 610's ``direct_url.json``): from Git, the
same repository and commit; from a local folder or file, that path; else the installed version.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlparse

from pmo_lint.errors import UsageError

DIST = "pmo-lint"
# the public repository a released version's tag `vX.Y.Z` lives in (pre-commit clones it)
RELEASE_REPO = "https://github.com/pmo-lint/pmo-lint"
_VERSION = re.compile(r"v?(\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)")
_GIT_URL = re.compile(r"(?:https?|ssh|git|file)://\S+|git@[\w.-]+:\S+")


@dataclass(frozen=True)
class InstallSource:
    """``version`` (value: ``0.2.0``), ``git`` (value: the clone URL; ref) or ``path`` (value: a path)."""

    kind: Literal["version", "git", "path"]
    value: str
    ref: str = ""

    def requirement(self, extras: str = "") -> str:
        """What ``pip install`` is given, quoted by the caller."""
        name = f"{DIST}[{extras}]" if extras else DIST
        if self.kind == "version":
            return f"{name}=={self.value}"
        if self.kind == "git":
            return f"{name} @ git+{self.value}@{self.ref}"
        return f"{self.value}[{extras}]" if extras else self.value

    def describe(self) -> str:
        if self.kind == "version":
            return f"pmo-lint {self.value} from the package index"
        if self.kind == "git":
            return f"pmo-lint from {self.value} at {self.ref}"
        return f"pmo-lint from {self.value}"

    def relative_to(self, root: Path) -> InstallSource:
        """A local path inside ``root`` as ``./rel`` (CI runs at the repository root); others as they are."""
        if self.kind != "path":
            return self
        try:
            rel = Path(self.value).resolve().relative_to(root.resolve())
        except ValueError:
            return self
        return InstallSource("path", f"./{PurePosixPath(rel.as_posix())}" if rel.parts else ".")


def parse(spec: str) -> InstallSource:
    """``--install SPEC``: a version, ``[git+]URL@REF``, or an existing local folder or file."""
    text = spec.strip()
    if text.startswith("=="):
        text = text[2:].strip()
    version = _VERSION.fullmatch(text)
    if version:
        return InstallSource("version", version.group(1))
    git = text.removeprefix("git+")
    if _GIT_URL.fullmatch(git):
        url, ref = _split_ref(git)
        if not ref:
            raise UsageError(
                f"--install {spec}: add the tag, branch or commit to install, such as {git}@v1.0.0; "
                "generated files must not follow a moving default branch silently"
            )
        return InstallSource("git", url, ref)
    path = Path(text).expanduser()
    if text and path.exists():
        return InstallSource("path", path.resolve().as_posix())
    raise UsageError(
        f"--install {spec}: not a version (0.2.0), a Git URL with a ref (git+https://host/org/pmo-lint@v0.2.0) "
        "or an existing folder or file"
    )


def _split_ref(url: str) -> tuple[str, str]:
    """``https://host/org/repo.git@v1`` -> (``https://host/org/repo.git``, ``v1``); the ref follows the path."""
    scheme_end = url.find("://")
    path_start = url.find("/", scheme_end + 3) if scheme_end >= 0 else url.find(":")
    at = url.rfind("@")
    if at <= path_start:
        return url, ""
    return url[:at], url[at + 1 :]


def current(version: str) -> InstallSource:
    """How this pmo-lint was installed, as an install source for the files ``init`` writes."""
    from importlib import metadata

    try:
        dist = metadata.distribution(DIST)
        raw = dist.read_text("direct_url.json")
        installed = dist.version
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return InstallSource("version", version)
    return from_direct_url(raw, installed)


def from_direct_url(raw: str | None, version: str) -> InstallSource:
    """PEP 610: ``vcs_info`` is a Git install, a ``file:`` URL a local one; anything else the version."""
    if not raw:
        return InstallSource("version", version)
    try:
        data = json.loads(raw)
    except ValueError:
        return InstallSource("version", version)
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return InstallSource("version", version)
    url: str = data["url"]
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        ref = vcs.get("commit_id") or vcs.get("requested_revision") or ""
        if isinstance(ref, str) and ref:
            return InstallSource("git", url, ref)
    parsed = urlparse(url)
    if parsed.scheme == "file":
        local = unquote(parsed.path)
        if os.name == "nt" and re.match(r"/[A-Za-z]:", local):
            local = local[1:]
        return InstallSource("path", Path(local).as_posix())
    return InstallSource("version", version)


def pre_commit_repo(source: InstallSource, hooks: list[dict[str, object]]) -> str:
    """The ``repos:`` entry of .pre-commit-config.yaml that installs pmo-lint from ``source``.

    ``hooks`` are the hooks to list, in order, each with ``id`` and the manifest fields
    (used in full for a local install, which has no manifest to read), plus ``files``/``args``.
    """
    lines: list[str] = []
    if source.kind == "path":
        lines += [
            "  # pmo-lint installed from a folder on this machine (init --install): the hooks are defined here",
            "  - repo: local",
        ]
    else:
        repo, rev = (RELEASE_REPO, f"v{source.value}") if source.kind == "version" else (source.value, source.ref)
        lines += [f"  - repo: {_yaml_scalar(repo)}", f"    rev: {_yaml_scalar(rev)}"]
    lines.append("    hooks:")
    for hook in hooks:
        for comment in str(hook.get("comment", "")).splitlines():
            lines.append(f"      # {comment}")
        lines.append(f"      - id: {hook['id']}")
        keys = ("name", "entry", "language", "require_serial") if source.kind == "path" else ()
        for key in (*keys, "files", "args"):
            if key in hook:
                lines.append(f"        {key}: {_yaml_value(hook[key])}")
        if source.kind == "path":
            lines.append(f"        additional_dependencies: [{_yaml_scalar(source.value)}]")
    return "\n".join(lines) + "\n"


def _yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(str(v)) for v in value) + "]"
    return _yaml_scalar(str(value))


def _yaml_scalar(text: str) -> str:
    """A flow scalar: plain when YAML reads it back as this string, else single-quoted."""
    if re.fullmatch(r"[A-Za-z0-9_./][A-Za-z0-9_./@+:~-]*(?<!:)", text) and text not in (
        "true",
        "false",
        "null",
        "yes",
        "no",
    ):
        return text
    return "'" + text.replace("'", "''") + "'"
