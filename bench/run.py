"""Side-by-side benchmark of pmo-lint against the tools a PMO would otherwise use, on the same files.

    python bench/run.py --projects 1000            # a few minutes
    python bench/run.py --projects 1000,10000      # several sizes in one run
    python bench/run.py --projects 100000 --runs 1 # slow; check-jsonschema is sampled and scaled

For each size it generates a portfolio (bench/generate.py, with a git history for PR mode) and
measures, with medians of ``--runs`` runs (min and max shown):

* ``pmo-lint check`` cold (empty cache), warm (nothing changed), after changing one file, and in
  PR mode (``--base HEAD~1``, cold) against a plain cold check;
* ``check-jsonschema`` with the exported ``schemas/*.schema.json`` over the same files, one
  invocation per kind (in batches), times summed;
* peak RSS of the cold check (``wait4`` rusage of the child);
* once: ``pmo-lint --version`` against ``yamllint --version``, and ``pmo-lint site generate`` at
  the smallest size against ``mkdocs build`` of as many trivial pages.

It prints a table and one line per figure (``BENCH name@N=value``), and rewrites the part of
docs/performance.md between the ``bench`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import AS_OF, Portfolio, write, write_git  # noqa: E402

BIN = Path(sys.executable).parent
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
KIND_OF_FOLDER = {
    "risks": "risk",
    "changes": "changerequest",
    "status": "statusreport",
    "benefits": "benefit",
    "people": "person",
    "teams": "team",
    "allocations": "allocation",
    "goals": "strategicgoal",
    "portfolios": "portfolio",
    "programs": "program",
    "waivers": "waiver",
}


@dataclass
class Stat:
    samples: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    def cell(self, unit: str = "s") -> str:
        if not self.samples:
            return f"— ({self.note})" if self.note else "—"
        if len(self.samples) == 1:
            text = f"{self.median:.3f} {unit}"
        else:
            text = f"{self.median:.3f} {unit} ({min(self.samples):.3f}–{max(self.samples):.3f})"
        return f"{text}, {self.note}" if self.note else text


def tool(name: str) -> str | None:
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


# what every measured command runs with (see child_env)
CHILD_ENV: dict[str, str] = {}


def child_env(work: Path, frozen: Path | None) -> dict[str, str]:
    """Bytecode is written (to a folder of the work dir), as an installed pmo-lint has it: with
    PYTHONDONTWRITEBYTECODE set, every run would compile the package again (~35 ms). ``frozen``: a
    copy of the code to run, so that edits to the working tree during a long run do not change the
    code fingerprint (which would turn warm runs into misses)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    if frozen is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(frozen), env.get("PYTHONPATH", "")) if p)
    return env


def freeze_code(work: Path) -> Path:
    """A copy of the package, its policies and schemas under ``work`` (see child_env)."""
    target = work / "code"
    shutil.rmtree(target, ignore_errors=True)
    for name in ("pmo_lint", "policies", "schemas"):
        shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def timed(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB (the child and the children it waited for) and exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env={**(CHILD_ENV or os.environ), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with {proc.returncode}: {err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def repeat(runs: int, fn: Callable[[int], float]) -> Stat:
    return Stat([fn(i) for i in range(runs)])


def prepare(work: Path, projects: int, commits: int) -> Path:
    """The generated portfolio for this size, reused when the same parameters made it before."""
    folder = work / f"portfolio-{projects}"
    stamp = folder / ".bench-params"
    params = f"projects={projects} commits={commits} seed=7 generator={(HERE / 'generate.py').stat().st_mtime_ns}"
    if stamp.is_file() and stamp.read_text() == params:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    if commits > 1 and shutil.which("git"):
        write_git(folder, projects, 7, commits)
    else:
        write(folder, projects, 7)
    print(f"# generated {projects} projects in {time.perf_counter() - started:.1f} s at {folder}", flush=True)
    stamp.write_text(params)
    return folder


def kind_of(rel: str) -> str:
    parts = rel.split("/")
    if rel == "pmo.yaml":
        return "pmoconfig"
    if parts[0] == "projects" and len(parts) == 3:
        return "project"
    for part in reversed(parts[:-1]):
        if part in KIND_OF_FOLDER:
            return KIND_OF_FOLDER[part]
    return ""


def checkjsonschema(folder: Path, runs: int, max_files: int) -> Stat:
    exe = tool("check-jsonschema")
    if exe is None:
        return Stat(note="check-jsonschema not installed (pip install -e '.[bench]')")
    by_kind: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder).as_posix()
        if not rel.startswith("."):
            kind = kind_of(rel)
            if kind:
                by_kind[kind].append(rel)
    total = sum(len(v) for v in by_kind.values())
    scale = 1.0
    note = ""
    if total > max_files:  # sample every k-th file of each kind and scale the time up
        step = -(-total // max_files)
        by_kind = {k: v[::step] for k, v in by_kind.items()}
        sampled = sum(len(v) for v in by_kind.values())
        scale = total / sampled
        note = f"measured on {sampled} of {total} files, scaled ×{scale:.1f}"
    schemas = REPO / "schemas"

    def once(_: int) -> float:
        spent = 0.0
        for kind, files in sorted(by_kind.items()):
            for i in range(0, len(files), 4000):  # stay under the argument-length limit
                cmd = [exe, "--schemafile", str(schemas / f"{kind}.schema.json"), *files[i : i + 4000]]
                spent += timed(cmd, folder)[0]
        return spent * scale

    stat = repeat(runs, once)
    stat.note = note
    return stat


def pmo(*args: str) -> list[str]:
    exe = tool("pmo-lint")
    return [exe, *args] if exe else [sys.executable, "-m", "pmo_lint", *args]


def check_args(*extra: str) -> list[str]:
    return pmo("check", ".", "--as-of", AS_OF.isoformat(), *extra)


def clear_cache(folder: Path) -> None:
    shutil.rmtree(folder / ".pmo-lint-cache", ignore_errors=True)


def supports(flag: str, *command: str) -> bool:
    proc = subprocess.run(pmo(*command, "--help"), capture_output=True, text=True, check=False, env=CHILD_ENV or None)
    return proc.returncode == 0 and flag in proc.stdout


def bench_size(projects: int, args: argparse.Namespace, out: dict[str, Stat]) -> None:
    folder = prepare(args.work, projects, args.commits)
    runs = args.runs
    files = sum(1 for _ in Portfolio(projects, 7).files())
    print(f"# {projects} projects, {files} files", flush=True)
    rss: list[float] = []

    def cold(_: int) -> float:
        clear_cache(folder)
        wall, peak, _code = timed(check_args(), folder)
        rss.append(peak)
        return wall

    out[f"cold@{projects}"] = repeat(runs, cold)
    out[f"peak_rss_mb@{projects}"] = Stat(rss)
    out[f"warm@{projects}"] = repeat(runs, lambda _: timed(check_args(), folder)[0])
    target = folder / "projects" / Portfolio(projects, 7).projects[projects // 2] / "project.yaml"
    original = target.read_bytes()

    def onefile(i: int) -> float:
        # a real edit of a value (not a comment): the entity's data, and so its findings' inputs, change
        edited = original.replace(b"  title: ", f"  title: Edited {i} ".encode(), 1)
        assert edited != original, "the project file has a title to edit"
        target.write_bytes(edited)
        return timed(check_args(), folder)[0]

    try:
        out[f"onefile@{projects}"] = repeat(runs, onefile)
    finally:
        target.write_bytes(original)
    if (folder / ".git").exists() and supports("--base", "check"):

        def plain(_: int) -> float:
            clear_cache(folder)
            return timed(check_args(), folder)[0]

        def base(_: int) -> float:
            clear_cache(folder)
            return timed(check_args("--base", "HEAD~1"), folder)[0]

        out[f"plain@{projects}"] = repeat(runs, plain)
        out[f"base@{projects}"] = repeat(runs, base)
    else:
        out[f"base@{projects}"] = Stat(note="no --base in this pmo-lint, or no git history")
    if args.skip_checkjsonschema:
        out[f"checkjsonschema@{projects}"] = Stat(note="skipped (--skip-checkjsonschema)")
    else:
        out[f"checkjsonschema@{projects}"] = checkjsonschema(folder, runs, args.cjs_max_files)
    clear_cache(folder)


def bench_startup(runs: int, out: dict[str, Stat]) -> None:
    n = max(runs, 10)  # start-up is short and noisy: more samples
    out["version"] = repeat(n, lambda _: timed(pmo("--version"), REPO)[0])
    yamllint = tool("yamllint")
    if yamllint:
        out["yamllint_version"] = repeat(n, lambda _: timed([yamllint, "--version"], REPO)[0])
    else:
        out["yamllint_version"] = Stat(note="yamllint not installed")


def bench_site(projects: int, args: argparse.Namespace, out: dict[str, Stat]) -> None:
    if not supports("generate", "site"):
        out[f"site@{projects}"] = Stat(note="no `site generate` in this pmo-lint")
        return
    mkdocs = tool("mkdocs")
    folder = prepare(args.work, projects, args.commits)
    site_out = args.work / f"site-{projects}"

    def generate(_: int) -> float:
        shutil.rmtree(site_out, ignore_errors=True)
        return timed(pmo("site", "generate", "--out", str(site_out), "--as-of", AS_OF.isoformat()), folder)[0]

    out[f"site@{projects}"] = repeat(args.runs, generate)
    pages = sum(1 for _ in site_out.rglob("*.md"))
    out[f"site_pages@{projects}"] = Stat([float(pages)])
    if mkdocs is None:
        out[f"mkdocs@{projects}"] = Stat(note="mkdocs not installed")
        return
    plain = args.work / f"mkdocs-{pages}"
    if not (plain / "mkdocs.yml").exists():
        shutil.rmtree(plain, ignore_errors=True)
        (plain / "docs").mkdir(parents=True)
        (plain / "mkdocs.yml").write_text("site_name: Plain\n", encoding="utf-8")
        for i in range(pages):
            (plain / "docs" / f"page-{i:06d}.md").write_text(f"# Page {i}\n\nSome text.\n", encoding="utf-8")
    out[f"mkdocs@{projects}"] = repeat(args.runs, lambda _: timed([mkdocs, "build", "-q"], plain)[0])


def ratio(a: Stat, b: Stat) -> float | None:
    if not a.samples or not b.samples or b.median == 0:
        return None
    return a.median / b.median


def figures(out: dict[str, Stat], sizes: Sequence[int], site_size: int | None) -> list[tuple[str, float | None]]:
    lines: list[tuple[str, float | None]] = []
    for n in sizes:
        lines.append((f"cold_vs_checkjsonschema@{n}", ratio(out[f"cold@{n}"], out[f"checkjsonschema@{n}"])))
        lines.append((f"warm_vs_cold@{n}", ratio(out[f"warm@{n}"], out[f"cold@{n}"])))
        lines.append((f"warm_seconds@{n}", out[f"warm@{n}"].median))
        base, plain = out.get(f"base@{n}", Stat()), out.get(f"plain@{n}", Stat())
        lines.append((f"base_vs_plain@{n}", ratio(base, plain)))
        lines.append((f"onefile_seconds@{n}", out[f"onefile@{n}"].median))
        lines.append((f"peak_rss_mb@{n}", max(out[f"peak_rss_mb@{n}"].samples)))
    lines.append(("version_vs_yamllint", ratio(out["version"], out["yamllint_version"])))
    if site_size is not None:
        lines.append(
            (f"site_vs_mkdocs@{site_size}", ratio(out[f"site@{site_size}"], out.get(f"mkdocs@{site_size}", Stat())))
        )
    return lines


def table(out: dict[str, Stat], sizes: Sequence[int], site_size: int | None) -> str:
    rows = ["| measurement | " + " | ".join(f"{n:,} projects" for n in sizes) + " |"]
    rows.append("|---|" + "---|" * len(sizes))
    labels = [
        ("cold", "`pmo-lint check`, cold (empty cache)"),
        ("warm", "`pmo-lint check`, warm (nothing changed)"),
        ("onefile", "`pmo-lint check`, one file changed"),
        ("plain", "`pmo-lint check`, cold, plain (PR comparison)"),
        ("base", "`pmo-lint check --base HEAD~1`, cold"),
        ("checkjsonschema", "`check-jsonschema`, schemas per kind, summed"),
    ]
    for key, label in labels:
        rows.append(f"| {label} | " + " | ".join(out.get(f"{key}@{n}", Stat()).cell() for n in sizes) + " |")
    rows.append(
        "| peak RSS of the cold check | " + " | ".join(out[f"peak_rss_mb@{n}"].cell("MiB") for n in sizes) + " |"
    )
    rows.append("")
    rows.append("| start-up | seconds |")
    rows.append("|---|---|")
    rows.append(f"| `pmo-lint --version` | {out['version'].cell()} |")
    rows.append(f"| `yamllint --version` | {out['yamllint_version'].cell()} |")
    if site_size is not None:
        pages = out.get(f"site_pages@{site_size}", Stat())
        rows.append("")
        rows.append(f"| site, {site_size:,} projects | seconds |")
        rows.append("|---|---|")
        rows.append(f"| `pmo-lint site generate` | {out[f'site@{site_size}'].cell()} |")
        count = int(pages.median) if pages.samples else 0
        rows.append(f"| `mkdocs build` of {count:,} trivial pages | {out.get(f'mkdocs@{site_size}', Stat()).cell()} |")
    return "\n".join(rows)


def bench_lines(lines: list[tuple[str, float | None]]) -> list[str]:
    out = []
    for name, value in lines:
        shown = "n/a" if value is None else (f"{value:.0f}" if name.startswith("peak_rss") else f"{value:.3f}")
        out.append(f"BENCH {name}={shown}")
    return out


def write_doc(path: Path, body: str) -> None:
    block = f"{BEGIN}\n{body}\n{END}"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, _, rest = text.partition(BEGIN)
            _, _, tail = rest.partition(END)
            path.write_text(head + block + tail, encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Performance\n\n{block}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default="1000", help="comma-separated sizes, e.g. 1000,10000")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median, min, max)")
    parser.add_argument("--commits", type=int, default=20, help="git history length of the generated portfolios")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "pmo-lint-bench")
    parser.add_argument("--cjs-max-files", type=int, default=80_000, help="sample check-jsonschema above this")
    parser.add_argument("--skip-checkjsonschema", action="store_true")
    parser.add_argument("--site-projects", type=int, default=1000, help="size for the site comparison; 0 skips it")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument(
        "--freeze-code", action="store_true", help="run a copy of the code (others edit the working tree meanwhile)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.projects.split(",") if s.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    CHILD_ENV.update(child_env(args.work, freeze_code(args.work) if args.freeze_code else None))
    load_before = os.getloadavg()
    out: dict[str, Stat] = {}
    started = time.perf_counter()
    for n in sizes:
        bench_size(n, args, out)
    bench_startup(args.runs, out)
    site_size = args.site_projects or None
    if site_size is not None:
        bench_site(site_size, args, out)
    lines = figures(out, sizes, site_size)
    text = table(out, sizes, site_size)
    print()
    print(text)
    print()
    rendered = bench_lines(lines)
    print("\n".join(rendered))
    if not args.no_doc:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        load_after = os.getloadavg()
        body = (
            f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {cpus} CPUs, "
            f"Python {platform.python_version()}; medians of {args.runs} run(s), min–max in brackets; "
            f"{time.perf_counter() - started:.0f} s in all; load average (1 min) {load_before[0]:.1f} before, "
            f"{load_after[0]:.1f} after.\n\n"
            f"Command: `python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`\n\n"
            f"{text}\n\n```\n" + "\n".join(rendered) + "\n```"
        )
        write_doc(args.doc, body)
        print(f"\n# wrote {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
