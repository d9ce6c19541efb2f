"""The portfolio site at scale: `pmo-lint site build` (pages and the HTML site) at 1,000 to 100,000 projects.

    python bench/site.py --projects 1000,10000           # minutes
    python bench/site.py --projects 100000 --timeout 14400   # hours on 2 shared CPUs

For each size it generates a portfolio (bench/generate.py, no git history), then measures once:

* ``site generate`` (the Markdown pages only) and ``site build`` (pages + ``mkdocs build --strict``): wall time
  and peak RSS (``wait4`` rusage: the largest of the process and the children it waited for);
* the built site: HTML pages, total size, mean and largest page (the search index apart), the search index.

A build that runs past ``--timeout`` is stopped and reported as such. It prints one line per figure
(``BENCH name@N=value``) and rewrites the part of docs/performance.md between the ``bench-site`` markers.
Each size's figures (with the date and the machine's load average during the run) are also kept in
``--work``/site-results.json, so sizes measured in separate runs (100,000 projects take the longest) end up
in one table; ``--only-new`` leaves the earlier sizes out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import AS_OF, write  # noqa: E402

BIN = Path(sys.executable).parent
BEGIN, END = "<!-- bench-site:begin -->", "<!-- bench-site:end -->"
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def timed(cmd: list[str], timeout: float) -> tuple[float | None, float]:
    """Wall seconds (None when stopped at the timeout) and peak RSS in MiB of the command and its children."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env={**os.environ, **QUIET}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    while True:  # wait4 (not Popen.wait) so that the child's rusage is ours to read
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and the mkdocs process it started
            _, status, usage = os.wait4(proc.pid, 0)
            return None, usage.ru_maxrss / 1024
        time.sleep(0.2)
    wall = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return wall, usage.ru_maxrss / 1024


def prepare(work: Path, projects: int) -> Path:
    folder = work / f"site-portfolio-{projects}"
    stamp = folder / ".bench-params"
    params = f"projects={projects} seed=7 generator={(HERE / 'generate.py').stat().st_mtime_ns}"
    if stamp.is_file() and stamp.read_text() == params:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    write(folder, projects, 7)
    print(f"# generated {projects} projects in {time.perf_counter() - started:.1f} s", flush=True)
    stamp.write_text(params)
    return folder


def measure(projects: int, work: Path, timeout: float) -> dict[str, float | None]:
    load_before = os.getloadavg()[0]
    out = _measure(projects, work, timeout)
    out["load_min"] = min(load_before, os.getloadavg()[0])
    out["load_max"] = max(load_before, os.getloadavg()[0], out.pop("load_mid", 0.0) or 0.0)
    out["measured"] = float(time.strftime("%Y%m%d"))
    return out


def _measure(projects: int, work: Path, timeout: float) -> dict[str, float | None]:
    folder = prepare(work, projects)
    pmo = str(BIN / "pmo-lint")
    pages_out, site_out = work / f"site-pages-{projects}", work / f"site-html-{projects}"
    shutil.rmtree(pages_out, ignore_errors=True)
    shutil.rmtree(site_out, ignore_errors=True)
    common = ["--as-of", AS_OF.isoformat()]
    gen_s, gen_mb = timed([pmo, "site", "generate", str(folder), "--out", str(pages_out), *common], timeout)
    load_mid = os.getloadavg()[0]
    build_s, build_mb = timed([pmo, "site", "build", str(folder), "--out", str(site_out), *common], timeout)
    out: dict[str, float | None] = {
        "generate_s": gen_s,
        "generate_peak_mb": gen_mb,
        "build_s": build_s,
        "build_peak_mb": build_mb,
        "load_mid": load_mid,
    }
    if build_s is None or not site_out.is_dir():
        return out
    pages = list(site_out.rglob("*.html"))
    sizes = sorted(p.stat().st_size for p in pages)
    project_pages = [p.stat().st_size for p in (site_out / "projects").glob("*/index.html") if "_" not in p.parent.name]
    index = site_out / "search" / "search_index.json"
    out.update(
        {
            "html_pages": float(len(pages)),
            "site_mb": sum(p.stat().st_size for p in site_out.rglob("*") if p.is_file()) / 2**20,
            "page_mean_kb": sum(sizes) / len(sizes) / 1024,
            "page_max_kb": sizes[-1] / 1024,
            "project_page_mean_kb": sum(project_pages) / max(len(project_pages), 1) / 1024,
            "search_index_mb": index.stat().st_size / 2**20 if index.is_file() else 0.0,
        }
    )
    shutil.rmtree(site_out, ignore_errors=True)
    shutil.rmtree(pages_out, ignore_errors=True)
    return out


def cell(value: float | None, fmt: str) -> str:
    return "did not finish" if value is None else format(value, fmt)


def table(results: dict[int, dict[str, float | None]], timeout: float) -> str:
    rows = [
        ("`site generate` (pages), time", "generate_s", ",.1f", " s"),
        ("`site generate`, peak memory", "generate_peak_mb", ",.0f", " MiB"),
        ("`site build` (pages + HTML), time", "build_s", ",.1f", " s"),
        ("`site build`, peak memory", "build_peak_mb", ",.0f", " MiB"),
        ("HTML pages", "html_pages", ",.0f", ""),
        ("whole site", "site_mb", ",.1f", " MiB"),
        ("mean page", "page_mean_kb", ",.1f", " KiB"),
        ("largest page", "page_max_kb", ",.1f", " KiB"),
        ("mean project page", "project_page_mean_kb", ",.1f", " KiB"),
        ("search index", "search_index_mb", ",.1f", " MiB"),
    ]
    sizes = sorted(results)
    dates = sorted({_date(results[n].get("measured")) for n in sizes} - {""})
    loads = [v for n in sizes for k in ("load_min", "load_max") if (v := results[n].get(k)) is not None]
    load = f", load average {min(loads):.1f}–{max(loads):.1f} during the runs" if loads else ""
    note = (
        f"Measured {' and '.join(dates) or time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs shared with other jobs{load}, Python {platform.python_version()}; one run per size, "
        f"a run stopped after {timeout:,.0f} s."
    )
    lines = [
        textwrap.fill(note, width=116, break_on_hyphens=False) + "\n",
        "| | " + " | ".join(f"{n:,} projects" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for label, key, fmt, unit in rows:
        values = []
        for n in sizes:
            value = results[n].get(key)
            values.append("–" if key not in results[n] else cell(value, fmt) + ("" if value is None else unit))
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    return "\n".join(lines)


def _date(stamp: float | None) -> str:
    if not stamp:
        return ""
    text = str(int(stamp))
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def stored_results(path: Path) -> dict[int, dict[str, float | None]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {int(n): values for n, values in raw.items()} if isinstance(raw, dict) else {}


def write_doc(path: Path, body: str) -> None:
    block = f"{BEGIN}\n{body}\n{END}"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Performance\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        path.write_text(head + block + tail, encoding="utf-8")
    else:
        path.write_text(text.rstrip("\n") + "\n\n## The site at scale\n\n" + block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default="1000,10000", help="comma-separated sizes, e.g. 1000,10000,100000")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before a run is stopped")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "pmo-lint-bench")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--only-new", action="store_true", help="leave sizes measured in earlier runs out of the table")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.projects.split(",") if s.strip())  # "" only rewrites the table
    args.work.mkdir(parents=True, exist_ok=True)
    store = args.work / "site-results.json"
    results: dict[int, dict[str, float | None]] = {} if args.only_new else stored_results(store)
    for n in sizes:
        results[n] = measure(n, args.work, args.timeout)
        for key, value in results[n].items():
            print(f"BENCH site_{key}@{n}={'timeout' if value is None else round(value, 2)}", flush=True)
        kept = stored_results(store)  # another run may have stored a size meanwhile
        kept[n] = results[n]
        store.write_text(json.dumps({str(k): v for k, v in sorted(kept.items())}, indent=1) + "\n", encoding="utf-8")
    if not args.only_new:
        results = {**stored_results(store), **results}
    body = table(results, args.timeout)
    print(body)
    if not args.no_doc:
        write_doc(args.doc, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
