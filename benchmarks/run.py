"""Benchmark itugraph at growing sizes: rdflib against pyoxigraph, one command.

    python benchmarks/run.py --sizes 1,10,100 --repeat 3 --timeout 300 \\
        --cache /tmp/itugraph-bench --output docs/benchmark-results.md

For each size (see benchmarks/generate.py: xN is about N x 1,000 quads, x1 the real graph) the data
folder is generated once into ``--cache``, then every step runs ``--repeat`` times, each time in a
fresh process (``python benchmarks/run.py --step STEP --data DIR``, see _steps.py) killed after
``--timeout`` seconds per figure. A figure is the median of the repeats; a figure that timed out
in any repeat is reported as "> T s" and not run again. Steps: parse and load (rdflib
``load_graph`` vs pyoxigraph ``Store.bulk_load``), SHACL validation (itugraph.validation: pySHACL,
inference "none", ontology mixed in), every canned query with its default parameters (rdflib
``itugraph.queries.sparql`` vs ``itugraph.store.oxigraph_query``), export to N-Triples and Turtle
(``itugraph.serialization.serialize`` vs ``Store.dump``), the CLI start to first answer
(``itugraph --data-dir DIR query regions``, or the same through the rdflib backend, cold with an
empty ITUGRAPH_CACHE_DIR, then warm) and each process's peak memory (ru_maxrss). Results go to
stdout, the Markdown ``--output`` and raw JSON (``--json``, default benchmarks/results.json);
with ``--merge`` what the JSON file holds is kept and only the sizes and steps run now replace
theirs, so a long run (or one step, ``--steps``) can be added later.
Server throughput is measured apart (benchmarks/load.py); its column is left for it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _steps  # noqa: E402

GRACE = 20.0
ENGINES = ("rdflib", "oxigraph")


def step_phases(step: str) -> list[str]:
    """The timed phases a step reports (besides ``prepare``)."""
    if step.startswith("queries-"):
        from itugraph.queries import catalogue

        return sorted(catalogue())
    if step.startswith("export-"):
        return list(_steps.EXPORTS)
    if step == "validate":
        return ["validate"]
    return ["load"]


@dataclass
class Process:
    """What a finished (or killed) step process left: its JSON lines, peak memory and so on."""

    records: list[dict[str, Any]]
    killed: bool
    returncode: int
    maxrss_kib: int
    stderr: str
    wall: float


def _read_records(
    process: subprocess.Popen[str], timeout: float
) -> tuple[list[dict[str, Any]], bool]:
    """Collect a process's JSON lines; kill it when one is more than ``timeout`` late."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    records: list[dict[str, Any]] = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            process.kill()
            return records, True
        if line is None:
            return records, False
        if line.startswith("{"):
            records.append(json.loads(line))


def spawn(command: list[str], timeout: float, env: dict[str, str] | None = None) -> Process:
    """Run a command; each stdout line must come within ``timeout`` of the one before (or of the
    start), else the process is killed. Peak memory is its ru_maxrss, from wait4."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        )
        records, killed = _read_records(process, timeout)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-2000:]
    return Process(records, killed, process.returncode, usage.ru_maxrss, tail, wall)


def run_step(step: str, data: Path, timeout: float, todo: list[str]) -> dict[str, Any]:
    """Run a step's phases in fresh processes until each is measured, timed out or failed."""
    figures: dict[str, dict[str, Any]] = {}
    peak = 0
    while todo:
        command = [sys.executable, str(HERE / "run.py"), "--step", step, "--data", str(data)]
        command += ["--timeout", str(timeout), "--only", ",".join(todo)]
        process = spawn(command, timeout + GRACE)
        killed, stderr = process.killed, process.stderr
        peak = max(peak, process.maxrss_kib)
        by_phase = {r["phase"]: r for r in process.records}
        prepare = by_phase.pop("prepare", None)
        if step_needs_prepare(step) and (prepare is None or "seconds" not in prepare):
            reason = (prepare or {}).get("error") or ("timeout" if killed or prepare else stderr)
            for name in todo:
                figures[name] = {"phase": name, "skipped": f"prepare failed: {reason}"[:300]}
            break
        figures.update({k: v for k, v in by_phase.items() if k in todo})
        todo = [name for name in todo if name not in by_phase]
        if todo:
            running, *todo = todo
            if killed:
                figures[running] = {"phase": running, "timeout": True}
            else:
                figures[running] = {"phase": running, "error": stderr[-300:] or "no output"}
    return {"figures": figures, "maxrss_kib": peak}


def step_needs_prepare(step: str) -> bool:
    """Whether a step loads the graph first (a ``prepare`` phase)."""
    return not step.startswith("load-")


#: What ``itugraph query regions`` does, on the rdflib backend (the command runs on pyoxigraph).
RDFLIB_CLI = (
    "import sys; from itugraph.queries import run_query; from itugraph.results import render; "
    "from itugraph.store import open_store; "
    "sys.stdout.write(render(run_query('regions', open_store(sys.argv[1], 'rdflib')), 'csv'))"
)


def run_cli(engine: str, data: Path, timeout: float) -> dict[str, Any]:
    """Wall time of ``itugraph --data-dir DIR query regions`` in a new process, start to answer:
    cold (an empty store cache, ITUGRAPH_CACHE_DIR) then warm (the cache the cold run left)."""
    executable = shutil.which("itugraph", path=str(Path(sys.executable).parent)) or "itugraph"
    command = [executable, "--data-dir", str(data), "query", "regions", "--format", "csv"]
    if engine == "rdflib":
        command = [sys.executable, "-c", RDFLIB_CLI, str(data)]
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="itugraph-cli-cache-") as cache:
        env = {**os.environ, "ITUGRAPH_CACHE_DIR": cache}
        for name in ("cold", "warm"):
            process = spawn(command, timeout, env)
            figure: dict[str, Any] = {"phase": name, "maxrss_kib": process.maxrss_kib}
            if process.killed:
                figure["timeout"] = True
            elif process.returncode != 0:
                figure["error"] = process.stderr[-300:] or f"exit status {process.returncode}"
            else:
                figure["seconds"] = process.wall
            figures[name] = figure
    return {"figures": figures, "maxrss_kib": figures["cold"]["maxrss_kib"]}


STEP_ORDER = (*_steps.STEPS, "cli-rdflib", "cli-oxigraph")


def bench_size(
    size: float, cache: Path, repeat: int, timeout: float, steps: list[str]
) -> dict[str, Any]:
    """Generate (or reuse) one size and measure every step ``repeat`` times."""
    sys.path.insert(0, str(HERE))
    import generate

    data = cache / f"x{size:g}"
    manifest = generate.generate(data, scale=size)
    print(f"# x{size:g}: {manifest.copies} copies, {manifest.quads:,} quads in {data}", flush=True)
    runs: dict[str, list[dict[str, Any]]] = {step: [] for step in steps}
    timed_out: dict[str, set[str]] = {step: set() for step in steps}
    for n in range(repeat):
        for step in steps:
            cli = step.startswith("cli-")
            todo = ["cold", "warm"] if cli else step_phases(step)
            todo = [name for name in todo if name not in timed_out[step]]
            if not todo:
                continue
            started = time.perf_counter()
            outcome = (
                run_cli(step.removeprefix("cli-"), data, timeout)
                if cli
                else run_step(step, data, timeout, todo)
            )
            for name, figure in outcome["figures"].items():
                if figure.get("timeout") or figure.get("skipped"):
                    timed_out[step].add(name)
            runs[step].append(outcome)
            print(
                f"  repeat {n + 1}/{repeat} {step}: {time.perf_counter() - started:.1f} s wall, "
                f"peak {outcome['maxrss_kib'] / 1024:.0f} MiB",
                flush=True,
            )
    return {
        "size": size,
        "data": str(data),
        "manifest": asdict(manifest),
        "union_triples": union_triples(runs),
        "steps": {step: summarize(step_runs, timeout) for step, step_runs in runs.items()},
    }


def union_triples(runs: dict[str, list[dict[str, Any]]]) -> int | None:
    """The distinct triples of the union, as the pyoxigraph load counted them."""
    for outcome in runs.get("load-oxigraph", []):
        figure = outcome["figures"].get("load", {})
        if "union_triples" in figure:
            return figure["union_triples"]
    return None


def summarize(step_runs: list[dict[str, Any]], timeout: float) -> dict[str, Any]:
    """Median seconds per phase over the repeats (None and a flag where one timed out)."""
    phases: dict[str, dict[str, Any]] = {}
    for outcome in step_runs:
        for name, figure in outcome["figures"].items():
            entry = phases.setdefault(name, {"samples": [], "timeout": False, "error": None})
            if "seconds" in figure:
                entry["samples"].append(figure["seconds"])
                entry.update({k: v for k, v in figure.items() if k not in ("phase", "seconds")})
            elif figure.get("timeout"):
                entry["timeout"] = True
            else:
                entry["error"] = figure.get("error") or figure.get("skipped")
    for entry in phases.values():
        measured = entry["samples"] and not entry["timeout"]
        entry["median"] = statistics.median(entry["samples"]) if measured else None
    memory = [outcome["maxrss_kib"] for outcome in step_runs]
    return {
        "phases": phases,
        "maxrss_kib": statistics.median(memory) if memory else None,
        "timeout": timeout,
    }


# --------------------------------------------------------------------------------------------
# Report


def seconds(entry: dict[str, Any] | None, timeout: float) -> str:
    """A figure as text: "1.23 s", "> 300 s", "error" or "—"."""
    if entry is None:
        return "—"
    if entry.get("timeout"):
        return f"> {entry.get('bound', timeout):.0f} s"
    if entry.get("median") is None:
        return "error" if entry.get("error") else "—"
    value = entry["median"]
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def ratio(slow: dict[str, Any] | None, fast: dict[str, Any] | None, timeout: float) -> str:
    """rdflib / pyoxigraph, or a lower bound when rdflib timed out."""
    if not slow or not fast or fast.get("median") in (None, 0):
        return "—"
    if slow.get("timeout"):
        return f"> {slow.get('bound', timeout) / fast['median']:.0f}"
    if slow.get("median") is None:
        return "—"
    value = slow["median"] / fast["median"]
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def megabytes(step: dict[str, Any] | None) -> str:
    """A step's median peak memory in MiB."""
    if not step or step.get("maxrss_kib") is None:
        return "—"
    return f"{step['maxrss_kib'] / 1024:.0f} MiB"


def total(step: dict[str, Any] | None, timeout: float) -> dict[str, Any] | None:
    """The sum of a step's medians; a lower bound (each timed-out query counted as the time
    limit) when some query timed out."""
    if not step:
        return None
    phases = step["phases"].values()
    if any(p["median"] is None and not p["timeout"] for p in phases):
        return {"median": None, "error": "some failed"}
    measured = sum(p["median"] for p in phases if p["median"] is not None)
    timed_out = sum(1 for p in phases if p["timeout"])
    if timed_out:
        return {"timeout": True, "median": None, "bound": measured + timed_out * timeout}
    return {"median": measured}


def slowest(step: dict[str, Any] | None, timeout: float) -> str:
    """The slowest query of a step, with its time."""
    if not step or not step["phases"]:
        return "—"
    timed_out = sorted(name for name, p in step["phases"].items() if p["timeout"])
    if timed_out:
        return f"> {timeout:g} s ({', '.join(timed_out)})"
    measured = {name: p for name, p in step["phases"].items() if p["median"] is not None}
    if not measured:
        return "—"
    name = max(measured, key=lambda n: measured[n]["median"])
    return f"{seconds(measured[name], timeout)} ({name})"


def render_size(result: dict[str, Any]) -> str:
    """The Markdown tables of one size."""
    steps = result["steps"]
    timeout = next(iter(steps.values()))["timeout"] if steps else 0

    def phase(step: str, name: str) -> dict[str, Any] | None:
        return steps.get(step, {}).get("phases", {}).get(name)

    manifest = result["manifest"]
    union = result.get("union_triples")
    lines = [
        f"### x{result['size']:g}: {manifest['copies']} "
        f"cop{'y' if manifest['copies'] == 1 else 'ies'} of the real documents",
        "",
        f"{manifest['documents']} source documents (named graphs), {manifest['quads']:,} quads"
        + (f", {union:,} distinct triples in the union" if union else "")
        + f"; data in `{result['data']}`.",
        "",
        "| step | rdflib | pyoxigraph | rdflib / pyoxigraph |",
        "|---|---:|---:|---:|",
    ]
    rows = [
        (
            "parse + load the Turtle files",
            phase("load-rdflib", "load"),
            phase("load-oxigraph", "load"),
        ),
        ("SHACL validation (pySHACL, inference none)", phase("validate", "validate"), None),
        (
            f"all {len(steps.get('queries-rdflib', {}).get('phases', {}))} canned queries, sum",
            total(steps.get("queries-rdflib"), timeout),
            total(steps.get("queries-oxigraph"), timeout),
        ),
        ("export N-Triples (union)", phase("export-rdflib", "nt"), phase("export-oxigraph", "nt")),
        ("export Turtle (union)", phase("export-rdflib", "ttl"), phase("export-oxigraph", "ttl")),
        (
            "CLI cold start to first answer (`query regions`, empty store cache)",
            phase("cli-rdflib", "cold"),
            phase("cli-oxigraph", "cold"),
        ),
        (
            "CLI warm start (store cache left by the cold run)",
            phase("cli-rdflib", "warm"),
            phase("cli-oxigraph", "warm"),
        ),
    ]
    for label, left, right in rows:
        lines.append(
            f"| {label} | {seconds(left, timeout)} | {seconds(right, timeout)} | "
            f"{ratio(left, right, timeout)} |"
        )
    lines.append(
        f"| slowest canned query | {slowest(steps.get('queries-rdflib'), timeout)} | "
        f"{slowest(steps.get('queries-oxigraph'), timeout)} | |"
    )
    for label, left, right in [
        ("peak memory, load", "load-rdflib", "load-oxigraph"),
        ("peak memory, load + queries", "queries-rdflib", "queries-oxigraph"),
        ("peak memory, load + export", "export-rdflib", "export-oxigraph"),
        ("peak memory, load + validation", "validate", None),
        ("peak memory, CLI cold start", "cli-rdflib", "cli-oxigraph"),
    ]:
        memory = [(steps.get(name) or {}).get("maxrss_kib") for name in (left, right) if name]
        share = f"{memory[0] / memory[1]:.1f}" if len(memory) == 2 and all(memory) else ""
        lines.append(
            f"| {label} | {megabytes(steps.get(left))} | "
            f"{megabytes(steps.get(right)) if right else '—'} | {share} |"
        )
    lines.append("| server throughput (benchmarks/load.py) | not measured here | | |")
    queries = steps.get("queries-rdflib", {}).get("phases", {})
    if queries:
        lines += [
            "",
            "| canned query | rows | rdflib | pyoxigraph | rdflib / pyoxigraph |",
            "|---|---:|---:|---:|---:|",
        ]
        for name in sorted(queries):
            left, right = queries[name], phase("queries-oxigraph", name)
            rows_left = left.get("rows")
            rows_right = (right or {}).get("rows")
            shown = rows_left if rows_left is not None else rows_right
            if None not in (rows_left, rows_right) and rows_left != rows_right:
                shown = f"{rows_left} (pyoxigraph {rows_right})"
            lines.append(
                f"| {name} | {'—' if shown is None else shown} | {seconds(left, timeout)} | "
                f"{seconds(right, timeout)} | {ratio(left, right, timeout)} |"
            )
    validation = phase("validate", "validate")
    if validation and "conforms" in validation:
        lines += [
            "",
            f"Validation: conforms {validation['conforms']}, "
            f"{validation['results']} result(s) (notes, no violations expected).",
        ]
    return "\n".join(lines) + "\n"


def render_summary(results: list[dict[str, Any]]) -> str:
    """One table across sizes: the headline figures."""
    lines = [
        "| size | quads | load rdflib | load pyoxigraph | validation | queries rdflib (sum) "
        "| queries pyoxigraph (sum) | CLI cold start rdflib / pyoxigraph | peak memory rdflib / pyoxigraph (load) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        steps = result["steps"]
        timeout = next(iter(steps.values()))["timeout"] if steps else 0

        def phase(step: str, name: str, steps=steps) -> dict[str, Any] | None:
            return steps.get(step, {}).get("phases", {}).get(name)

        lines.append(
            f"| x{result['size']:g} | {result['manifest']['quads']:,} | "
            f"{seconds(phase('load-rdflib', 'load'), timeout)} | "
            f"{seconds(phase('load-oxigraph', 'load'), timeout)} | "
            f"{seconds(phase('validate', 'validate'), timeout)} | "
            f"{seconds(total(steps.get('queries-rdflib'), timeout), timeout)} | "
            f"{seconds(total(steps.get('queries-oxigraph'), timeout), timeout)} | "
            f"{seconds(phase('cli-rdflib', 'cold'), timeout)} / "
            f"{seconds(phase('cli-oxigraph', 'cold'), timeout)} | "
            f"{megabytes(steps.get('load-rdflib'))} / {megabytes(steps.get('load-oxigraph'))} |"
        )
    return "\n".join(lines) + "\n"


def source_revision() -> str:
    """The git commit of the itugraph being measured (its source folder), "+" if modified."""
    import itugraph

    root = Path(itugraph.__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"unknown revision at {root}"
    return f"commit {head}{'+' if changes else ''} at {root}"


def machine() -> dict[str, Any]:
    """Where and with what the figures were taken."""
    packages = {name: version(name) for name in ("rdflib", "pyoxigraph", "pyshacl", "itugraph")}
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "packages": packages,
        "revision": source_revision(),
    }


def render(report: dict[str, Any]) -> str:
    """The whole Markdown report."""
    results = sorted(report["sizes"].values(), key=lambda r: r["size"])
    runs = report.get("runs", [])
    lines = [
        "# Benchmark results: rdflib and pyoxigraph at growing sizes",
        "",
        "Written by `benchmarks/run.py` (see its docstring and docs/benchmarks.md); data from "
        "`benchmarks/generate.py`: x1 is the real graph, xN about N x 1,000 quads made of copies "
        "of the real source documents. Each figure is the median of the repeats, each step a "
        'fresh process; "> T s" means it ran past the time limit in some repeat. Timings of '
        "steps that load the graph first exclude that load.",
        "",
    ]
    for run in runs:
        packages = ", ".join(f"{k} {v}" for k, v in run["machine"]["packages"].items())
        sizes = ", ".join(f"x{s:g}" for s in run["sizes"])
        steps = run.get("steps", list(STEP_ORDER))
        subset = f"steps {', '.join(steps)}, " if set(steps) != set(STEP_ORDER) else ""
        lines.append(
            f"- {run['machine']['date']}: sizes {sizes}, {subset}"
            f"repeat {run['repeat']}, timeout {run['timeout']:g} s; {run['machine']['platform']}, "
            f"{run['machine']['cpus']} CPUs (load average at start "
            f"{run['machine']['load_average'][0]:.1f}), Python {run['machine']['python']}, "
            f"{packages}"
            + (f", itugraph {run['machine']['revision']}" if "revision" in run["machine"] else "")
            + "."
        )
    lines += ["", "## Summary", "", render_summary(results), "## Per size", ""]
    for result in results:
        lines += [render_size(result)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,100", help="comma-separated scales, e.g. 1,10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per figure")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "itugraph-bench"
    )
    parser.add_argument("--output", type=Path, default=None, help="Markdown report to write")
    parser.add_argument(
        "--json", type=Path, default=None, help="raw results (default: benchmarks/results.json)"
    )
    parser.add_argument(
        "--merge", action="store_true", help="keep the other sizes and steps of the JSON file"
    )
    parser.add_argument("--steps", default=",".join(STEP_ORDER), help="steps to run")
    parser.add_argument(
        "--report-only", action="store_true", help="only render --output from the JSON file"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--only", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        only = args.only.split(",") if args.only else None
        _steps.run(args.step, args.data, args.timeout, only)
        return 0
    steps = [s for s in args.steps.split(",") if s]
    unknown = sorted(set(steps) - set(STEP_ORDER))
    if unknown:
        parser.error(f"unknown steps {', '.join(unknown)}; known: {', '.join(STEP_ORDER)}")
    sizes = [float(s) for s in args.sizes.split(",") if s]
    json_path = args.json or HERE / "results.json"
    if args.report_only:
        text = render(json.loads(json_path.read_text()))
        print(text)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        return 0
    report: dict[str, Any] = {"runs": [], "sizes": {}}
    if args.merge and json_path and json_path.exists():
        report = json.loads(json_path.read_text())
    report["runs"].append(
        {
            "sizes": sizes,
            "steps": steps,
            "repeat": args.repeat,
            "timeout": args.timeout,
            "machine": machine(),
        }
    )
    for size in sizes:
        result = bench_size(size, args.cache, args.repeat, args.timeout, steps)
        old = report["sizes"].get(f"{size:g}")
        if old and args.merge:
            steps_kept = {k: v for k, v in old["steps"].items() if k not in result["steps"]}
            if any(step.startswith("cli-") for step in result["steps"]):
                steps_kept.pop("cli", None)  # the figure of an earlier harness
            result["steps"] = {**steps_kept, **result["steps"]}
            result["union_triples"] = result["union_triples"] or old.get("union_triples")
        report["sizes"][f"{size:g}"] = result
        print(render_size(result), flush=True)
        if json_path:
            json_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    text = render(report)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
