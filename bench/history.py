"""`pmo-lint history` over a long history: time and peak memory for N commits (default 5,000).

    python bench/history.py                          # 5,000 commits of a 100-project portfolio
    python bench/history.py --commits 1000,5000 --projects 200

It generates a git repository in a temporary folder (``git fast-import``, seconds): the first commit
adds a portfolio of ``--projects`` projects (bench/generate.py), and each later commit, a few hours
after the one before, changes one or two files as a PMO's week does: a status report rewritten, a new
status report, a risk reviewed, and now and then a project that loses its sponsor (a finding) and
gets it back a few commits later. Then it measures, once per size, ``pmo-lint history --no-cache``
(every commit computed) and a second run that the history cache answers, with ``wait4`` for the peak
RSS. It prints one line per figure (``BENCH name@N=value``) and rewrites the part of
docs/performance.md between the ``bench-history`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import Portfolio  # noqa: E402

BIN = Path(sys.executable).parent
BEGIN, END = "<!-- bench-history:begin -->", "<!-- bench-history:end -->"
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def _blob(stream: list[bytes], path: str, text: str) -> None:
    data = text.encode("utf-8")
    stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))


def edits(files: dict[str, str], commits: int, seed: int) -> list[dict[str, str]]:
    """What each commit after the first writes: one or two files, path -> new text."""
    rng = random.Random(seed)
    reports = sorted(rel for rel in files if "/status/" in rel)
    risks = sorted(rel for rel in files if "/risks/" in rel)
    projects = sorted(rel for rel in files if rel.endswith("/project.yaml"))
    current = dict(files)
    broken: dict[str, int] = {}  # project file -> the commit that restores its sponsor
    out: list[dict[str, str]] = []
    for c in range(1, commits):
        change: dict[str, str] = {}
        for rel, until in list(broken.items()):
            if c >= until:  # the sponsor is back
                change[rel] = files[rel]
                del broken[rel]
        roll = rng.random()
        if roll < 0.55:
            rel = rng.choice(reports)
            change[rel] = files[rel].replace("On track;", f"On track (update {c});")
        elif roll < 0.75:
            rel = rng.choice(reports)
            folder = rel.rpartition("/")[0]
            day = dt.date(2025, 1, 1) + dt.timedelta(days=c // 8)
            text = files[rel].replace(rel.rpartition("/")[2][:-5], day.isoformat())
            change[f"{folder}/{day.isoformat()}.yaml"] = text
        elif roll < 0.95:
            rel = rng.choice(risks)
            change[rel] = files[rel].replace("Weekly check-ins", f"Check-ins (review {c})")
        else:
            rel = rng.choice(projects)
            if rel not in broken and rel not in change:
                text = current[rel]
                start = text.index("  sponsor: ")
                end = text.index("\n", start)
                change[rel] = text[:start] + "  sponsor: nobody-at-all" + text[end:]
                broken[rel] = c + rng.randrange(2, 30)
        if rng.random() < 0.3 and len(change) < 2:  # a second file in the same commit
            rel = rng.choice(reports)
            change.setdefault(rel, files[rel].replace("Invoices as planned.", f"Invoices checked ({c})."))
        current.update(change)
        out.append(change)
    return out


def make_repo(folder: Path, projects: int, commits: int, seed: int = 7) -> None:
    """A repository of ``commits`` commits on main, checked out, in ``folder`` (created)."""
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True, env={**os.environ, **GIT_ENV})
    files = dict(Portfolio(projects, seed).files())
    rng = random.Random(seed + 2)
    when = int(dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC).timestamp())
    stream: list[bytes] = []
    for c, change in enumerate([files, *edits(files, commits, seed + 1)]):
        message = b"initial portfolio" if c == 0 else b"update %d" % c
        author = f"pm-{rng.randrange(12):02d}"
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"author %s <%s@example.org> %d +0000\n" % (author.encode(), author.encode(), when))
        stream.append(b"committer %s <%s@example.org> %d +0000\n" % (author.encode(), author.encode(), when))
        stream.append(b"data %d\n%s\n" % (len(message), message))
        for rel, text in sorted(change.items()):
            _blob(stream, rel, text)
        stream.append(b"\n")
        when += rng.randrange(600, 6 * 3600)  # a few commits a day
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(stream), env=env, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=folder, env=env, check=True)


def timed(cmd: list[str], cwd: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB (``wait4``) of the command; its standard output goes to ``out``."""
    start = time.perf_counter()
    with out.open("wb") as sink, out.with_suffix(".err").open("wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=sink, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}: {out.with_suffix('.err').read_text()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def measure(work: Path, projects: int, commits: int) -> dict[str, float]:
    repo = work / f"history-{projects}-{commits}"
    started = time.perf_counter()
    make_repo(repo, projects, commits)
    print(f"# generated {commits} commits of {projects} projects in {time.perf_counter() - started:.1f} s", flush=True)
    pmo = str(BIN / "pmo-lint")
    cold_s, cold_mb = timed([pmo, "history", "--format", "json", "--no-cache"], repo, work / "cold.json")
    timed([pmo, "history", "--format", "json"], repo, work / "fill.json")  # fills the history cache
    warm_s, warm_mb = timed([pmo, "history", "--format", "json"], repo, work / "warm.json")
    if (work / "cold.json").read_bytes() != (work / "warm.json").read_bytes():
        raise SystemExit("the cached history differs from the computed one")
    return {
        "cold_s": cold_s,
        "cold_peak_mb": cold_mb,
        "per_commit_ms": cold_s * 1000 / commits,
        "warm_s": warm_s,
        "warm_peak_mb": warm_mb,
    }


def table(projects: int, results: dict[int, dict[str, float]]) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    sizes = sorted(results)
    rows = [
        ("every commit computed (`--no-cache`)", "cold_s", ",.1f", " s"),
        ("per commit", "per_commit_ms", ",.1f", " ms"),
        ("peak memory", "cold_peak_mb", ",.0f", " MiB"),
        ("answered by the history cache", "warm_s", ",.1f", " s"),
        ("peak memory (cache)", "warm_peak_mb", ",.0f", " MiB"),
    ]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average {load:.1f} when it ended), Python {platform.python_version()}, `nice -n 19`; a portfolio of "
        f"{projects} projects, each commit after the first changing one or two files; one run per size.\n",
        "| | " + " | ".join(f"{n:,} commits" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for label, key, fmt, unit in rows:
        lines.append(f"| {label} | " + " | ".join(format(results[n][key], fmt) + unit for n in sizes) + " |")
    return "\n".join(lines)


def write_doc(path: Path, body: str) -> None:
    block = f"{BEGIN}\n{body}\n{END}"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Performance\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        path.write_text(head + block + tail, encoding="utf-8")
    else:
        path.write_text(text.rstrip("\n") + "\n\n## History\n\n" + block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", default="5000", help="comma-separated history lengths, e.g. 1000,5000")
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.commits.split(",") if s.strip())
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="pmo-lint-history-") as tmp:
        for n in sizes:
            results[n] = measure(Path(tmp), args.projects, n)
            for key, value in results[n].items():
                print(f"BENCH history_{key}@{n}={value:.2f}", flush=True)
            shutil.rmtree(Path(tmp) / f"history-{args.projects}-{n}", ignore_errors=True)
    body = table(args.projects, results)
    print(body)
    if not args.no_doc:
        write_doc(args.doc, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
