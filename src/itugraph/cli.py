"""The ``itugraph`` command: a thin layer over the package's functions."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from .canonical import curated_files, format_files
from .graph import DataFileError, load_graph
from .namespaces import BASE
from .project import Project, ProjectError, locate
from .queries import QueryError, catalogue, get_query, region_codes
from .remote import (
    AUTH_SCHEMES,
    UNION_GRAPH,
    RemoteError,
    endpoint_for,
    published_graph_iris,
    remote_query,
)
from .reports import COVERAGE_FORMATS, COVERAGE_KINDS
from .results import RESULT_FORMATS, render
from .serialization import EXPORT_FORMATS, write_atomic
from .validation import DEFAULT_ENGINE, ENGINES

EXIT_VIOLATIONS = 1
EXIT_CANNOT_RUN = 2


def _fail(message: str, code: int = EXIT_CANNOT_RUN) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _project() -> Project:
    """The folders this run reads: --data-dir, else the project around the current directory,
    else the packaged data (see itugraph.project)."""
    try:
        return locate(_root_params().get("data_dir"))
    except ProjectError as error:
        _fail(str(error))


def _graph():
    try:
        return load_graph(_project())
    except DataFileError as error:
        _fail(f"cannot load the data: {error}")


def _store():
    """The built graph in the pyoxigraph store, cached unless --no-cache."""
    from .store import open_store

    try:
        return open_store(_project(), use_cache=not _root_params()["no_cache"])
    except DataFileError as error:
        _fail(f"cannot load the data: {error}")


def _say_what_was_read(store) -> None:
    """The line every checking run prints: how much was read, and from where."""
    graphs = len(store.named_graphs())
    click.echo(f"{len(store):,} triples in {graphs} graphs from {_project().describe()}", err=True)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


def _global_options(after_subcommand: bool = False) -> list[click.Option]:
    """--data-dir and --no-cache: given before the subcommand they set the run's
    options; the copies every subcommand carries (``after_subcommand``) override them."""

    def override(ctx: click.Context, param: click.Parameter, value):
        if value not in (None, False):
            ctx.find_root().params[param.name] = value

    extra = {"expose_value": False, "callback": override} if after_subcommand else {}
    return [
        click.Option(
            ["--data-dir"],
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            envvar=None if after_subcommand else "ITUGRAPH_DATA_DIR",
            help="Data folder to read instead of the project's data/ (env ITUGRAPH_DATA_DIR). "
            "Without it, the project folder around the current directory is used, else the "
            "packaged data.",
            **extra,
        ),
        click.Option(
            ["--no-cache"],
            is_flag=True,
            help="Parse the Turtle again instead of opening the store cached for these exact "
            "inputs.",
            **extra,
        ),
    ]


class _Commands(click.Group):
    """The command group: a cache that cannot be written is one line and exit 2, whichever
    command met it."""

    def invoke(self, ctx: click.Context):
        from .cache import CacheError

        try:
            return super().invoke(ctx)
        except CacheError as error:
            _fail(str(error))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="itugraph")
def main(data_dir: Path | None, no_cache: bool) -> None:
    """itugraph: a knowledge graph of the ITU's regional presence.

    Every command reads the project folder around the current directory (one with
    itugraph.toml, a [tool.itugraph] table in pyproject.toml, or ontology/, shapes/ and data/),
    else the packaged graph; --data-dir names the data folder. The global options may also
    follow the subcommand.

    \b
    Examples:
      itugraph validate                      check the graph against its SHACL shapes
      itugraph queries                       list the canned questions
      itugraph query field-offices --param region=ASP
      itugraph sparql 'SELECT * WHERE { ?s a <https://w3id.org/itugraph/def#Region> }'
      itugraph export --format nq -o itugraph.nq
    """


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json", "junit", "github"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Validate the whole graph, not only what changed since the last report.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="SHACL engine: pyshacl-turbo (native) or pySHACL (the reference); same reports.",
)
def validate(fmt: str, output: Path | None, full: bool, engine: str) -> None:
    """Validate the graph against the SHACL shapes (with the ontology's class hierarchy).

    The report of unchanged inputs comes from the cache; after an edit, only the focus nodes the
    edit can affect are validated again and merged into the last report (--full: everything).

    Exit status: 0 conforms, 1 violations, 2 cannot run (e.g. a data file does not parse).

    \b
    Examples:
      itugraph validate
      itugraph validate --full
      itugraph validate --format json -o report.json
      itugraph validate --format junit -o report.xml     (for CI test reports)
      itugraph validate --format github                 (annotations in GitHub Actions)
    """
    from .incremental import ShapesFileError, validate_cached
    from .validation import ValidationReport

    started = time.perf_counter()
    params = _root_params()
    project = _project()
    try:
        run = validate_cached(project, full, not params.get("no_cache"), engine)
    except DataFileError as error:
        what = "shapes" if isinstance(error, ShapesFileError) else "data"
        if fmt in ("json", "junit", "github"):
            _emit_report(ValidationReport.of_load_error(error), fmt, output)
        _fail(f"cannot load the {what}: {error}")
    _emit_report(run.report, fmt, output)
    _say_what_was_read(_store())
    if fmt == "text" and not output:
        click.echo(run.summary(time.perf_counter() - started), err=True)
    sys.exit(0 if run.report.conforms else EXIT_VIOLATIONS)


def _conforming_report(otherwise: str):
    """The cached validation's report of this run's inputs; exit 1 (the report on stderr) when
    the graph does not conform."""
    from .incremental import validate_cached

    try:
        run = validate_cached(_project(), use_cache=not _root_params()["no_cache"])
    except DataFileError as error:
        _fail(f"cannot load the data: {error}")
    _say_what_was_read(_store())
    if not run.report.conforms:
        click.echo(run.report.as_text(), err=True)
        _fail(f"the graph does not conform to its shapes; {otherwise}", EXIT_VIOLATIONS)
    return run.report


def _root_params() -> dict:
    return click.get_current_context().find_root().params


def _emit_report(report, fmt: str, output: Path | None) -> None:
    text = {
        "text": report.as_text,
        "turtle": report.as_turtle,
        "json": report.as_json,
        "junit": report.as_junit,
        "github": report.as_github,
    }[fmt]()
    if output:
        _write(text.encode("utf-8"), output)
    else:
        click.echo(text, nl=False)


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="ttl",
    show_default=True,
    help="RDF syntax; nq, trig and jsonld keep the named graphs.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (complete or not at all); standard output if omitted.",
)
def export_command(fmt: str, output: Path | None) -> None:
    """Export the graph in an RDF syntax.

    \b
    Examples:
      itugraph export --format nt -o graph.nt
      itugraph export --format trig > graph.trig
    """
    _write(_store().serialize(fmt), output)


@main.command("queries")
def list_queries() -> None:
    """List the canned queries with the question each answers and its parameters."""
    queries = catalogue(_project())
    asks_region = any(p.type == "region" for q in queries.values() for p in q.parameters)
    regions = "|".join(region_codes(_store())) if asks_region else ""
    for query in queries.values():
        click.echo(f"{query.name}\n  {query.title}: {query.question}")
        for p in query.parameters:
            need = "required" if p.required else f"default {p.default}" if p.default else "optional"
            example = f", e.g. {p.example}" if p.example else ""
            kind = "|".join(name for name, _ in p.choices) if p.choices else p.type
            kind = regions if p.type == "region" else kind
            click.echo(f"  --param {p.name}=<{kind}>  ({need}{example}) {p.description}")


def _emit(result, fmt: str) -> None:
    _write(render(result, fmt).encode("utf-8"), None)


ALLOW_SERVICE = click.option(
    "--allow-service",
    "allowed_services",
    multiple=True,
    metavar="URL",
    help="Let queries call this SPARQL endpoint with SERVICE (repeat for several); federated "
    "queries are refused otherwise, so that nothing is sent anywhere.",
)


def remote_options(command):
    """The options that send a query to a remote SPARQL endpoint instead of the embedded graph."""
    options = [
        click.option(
            "--endpoint",
            metavar="URL",
            default=None,
            help="Ask this SPARQL 1.1 endpoint (where `itugraph publish` put the graph) instead "
            "of the local graph.",
        ),
        click.option(
            "--graph",
            "union_graph",
            metavar="IRI",
            default=str(UNION_GRAPH),
            show_default=True,
            help="With --endpoint: the published union graph, asked as the default graph.",
        ),
        click.option("--user", default=None, help="With --endpoint: user name."),
        click.option(
            "--password",
            envvar="ITUGRAPH_PASSWORD",
            default=None,
            help="With --endpoint: password (env ITUGRAPH_PASSWORD).",
        ),
        click.option(
            "--auth",
            type=click.Choice(AUTH_SCHEMES),
            default="basic",
            show_default=True,
            help="With --endpoint and --user: HTTP authentication scheme.",
        ),
        click.option(
            "--timeout",
            type=click.IntRange(1),
            default=60,
            show_default=True,
            help="Seconds to wait for the answer (locally, the query is then stopped).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run(
    text: str, bindings: dict, remote: dict, where: str = "", guarded: tuple[str, ...] | None = None
):
    """Run SPARQL on the endpoint given in the remote options, else on the local graph; a
    ``guarded`` query (its value: the SERVICE endpoints it may call) runs in a worker process,
    stopped at the timeout or the memory cap."""
    url = remote.pop("endpoint")
    try:
        if url is None and guarded is not None:
            return _guarded(text, remote["timeout"], guarded)
        if url is None:
            return _store().query(text, bindings)
        endpoint = endpoint_for(url, published_graph_iris(_project()), **remote)
        return remote_query(endpoint, text, bindings)
    except QueryError as error:
        _fail(f"{where}{error}")
    except RemoteError as error:
        _fail(str(error))


def _guarded(text: str, timeout: float, allowed_services: tuple[str, ...]):
    from .store import OxigraphStore, open_served_store, result_of_answer
    from .workers import QueryFailed, QueryPool, Request

    store = _store()
    if not isinstance(store, OxigraphStore) or store.path is None:
        store = open_served_store(_project(), use_cache=False)
    with QueryPool(store.path, workers=1) as pool:
        try:
            request = Request(text, "tsv", "nt", 2**62, allowed_services=allowed_services)
            answer = pool.run(request, timeout)
        except QueryFailed as failed:
            _fail(failed.message)
    return result_of_answer(answer)


@main.command()
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter; repeat for several.",
)
@click.option(
    "--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True
)
@remote_options
def query(name: str, params: tuple[str, ...], fmt: str, **remote) -> None:
    """Run the canned query NAME (see `itugraph queries`), locally or on a remote endpoint.

    \b
    Examples:
      itugraph query field-offices
      itugraph query field-offices --param region=AFR --format csv
      itugraph query search --param phrase=代表处 --param language=zh
      itugraph query regions --endpoint http://localhost:7878/query
    """
    values = _parse_params(params)
    try:
        canned = get_query(name, _project())
        asks_region = any(p.type == "region" and values.get(p.name) for p in canned.parameters)
        bindings = canned.bindings(values, region_codes(_store()) if asks_region else None)
    except QueryError as error:
        _fail(str(error))
    _emit(_run(canned.text, bindings, remote, where=f"{canned.path}: "), fmt)


@main.command("sparql")
@click.argument("text", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.File("rb"),
    help="Read the query from this file ('-' for standard input).",
)
@click.option(
    "--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True
)
@ALLOW_SERVICE
@remote_options
def sparql_command(
    text: str | None, file, fmt: str, allowed_services: tuple[str, ...], **remote
) -> None:
    """Run an ad hoc SPARQL query on the graph (the default graph is the union of all sources),
    or on a remote endpoint.

    \b
    Examples:
      itugraph sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      itugraph sparql -f my-query.rq --format json
      itugraph sparql -f my-query.rq --endpoint https://example.org/sparql
    """
    if (text is None) == (file is None):
        raise click.UsageError("give the query either as an argument or with -f FILE, not both")
    try:
        query_text = text if text is not None else file.read().decode("utf-8")
    except UnicodeDecodeError as error:
        _fail(f"{file.name} is not UTF-8 text (byte {error.start})")
    _emit(_run(query_text, {}, remote, guarded=allowed_services), fmt)


@main.command("provenance")
@click.argument("iri", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json: the passages as W3C Web Annotations (JSON-LD).",
)
@click.option(
    "--coverage",
    "whole",
    is_flag=True,
    help="Instead of one entity: how many entities and statements of the whole graph have a "
    "passage, and the statements that have none.",
)
def provenance_command(iri: str | None, fmt: str, whole: bool) -> None:
    """The passages of the source documents that state what the graph says of IRI: its names,
    codes, titles, objectives and descriptions, found verbatim in the text of the document each
    statement's named graph is derived from, with character offsets.

    IRI is a full IRI or a path under https://w3id.org/itugraph/id/.

    \b
    Examples:
      itugraph provenance initiative/WTDC-25/AFR4
      itugraph provenance https://w3id.org/itugraph/id/office/ro-afr --format json
      itugraph provenance --coverage
    """
    import json

    from .alignment import Aligner, UnknownEntity
    from .queries import PARAMETER_TYPES

    if whole == (iri is not None):
        raise click.UsageError("give an IRI, or --coverage for the whole graph")
    aligner = Aligner(_store(), _project())
    if whole:
        figures = aligner.coverage()
        text = (
            figures.as_text()
            if fmt == "text"
            else json.dumps(figures.as_json(), indent=2, ensure_ascii=False) + "\n"
        )
    else:
        try:
            entity = str(PARAMETER_TYPES["entity"](iri))
            alignment = aligner.provenance(entity)
        except (ValueError, UnknownEntity) as error:
            _fail(f"{iri}: {error}")
        text = (
            alignment.as_text()
            if fmt == "text"
            else json.dumps(alignment.as_json(), indent=2, ensure_ascii=False) + "\n"
        )
    _write(text.encode("utf-8"), None)


@main.group()
def cache() -> None:
    """The cache of built stores (see `itugraph cache --help`)."""


@cache.command("clear")
def cache_clear() -> None:
    """Remove every cached store; the next command rebuilds what it needs."""
    from .cache import cache_dir, clear_cache

    click.echo(f"removed {clear_cache()} cached store(s) from {cache_dir()}")


@cache.command("path")
def cache_path() -> None:
    """Print the cache folder ($ITUGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/itugraph)."""
    from .cache import cache_dir

    click.echo(cache_dir())


@main.command()
def stats() -> None:
    """Count triples (overall and per named graph) and instances per class."""
    from .stats import graph_stats

    click.echo(graph_stats(_store()).as_text(), nl=False)


@main.command("format")
@click.option("--check", is_flag=True, help="Only report files that are not canonical (exit 1).")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def format_command(check: bool, files: tuple[Path, ...]) -> None:
    """Rewrite curated Turtle files (default: all of the data folder) in canonical form.

    The comment block at the top of each file is kept; the statements are re-serialized
    sorted, with the project's prefixes.
    """
    try:
        changed = format_files(list(files) or curated_files(_project()), check=check)
    except DataFileError as error:
        _fail(str(error))
    for path in changed:
        click.echo(f"{'not canonical' if check else 'reformatted'}: {path}")
    if check and changed:
        sys.exit(EXIT_VIOLATIONS)


@main.command()
def reason() -> None:
    """Check the ontology and data for consistency with the HermiT reasoner (needs Java).

    Exit status: 0 consistent, 1 inconsistent or unsatisfiable classes, 2 cannot run.
    """
    from .reasoning import check_consistency

    try:
        report = check_consistency(_graph())
    except (OSError, RuntimeError) as error:
        _fail(f"cannot run the reasoner: {error}")
    if report.consistent:
        click.echo("Consistent: no contradiction and no unsatisfiable class.")
        return
    click.echo("Inconsistent." + (f" {report.explanation}" if report.explanation else ""))
    for iri in report.unsatisfiable_classes:
        click.echo(f"  unsatisfiable: {iri}")
    sys.exit(EXIT_VIOLATIONS)


@main.group()
def report() -> None:
    """Coverage reports and region summaries.

    \b
    Examples:
      itugraph report coverage --by sdg --format png -o sdg-coverage.png
      itugraph report coverage --by resolution --format md
      itugraph report region AFR --format html -o africa.html
      itugraph report versions AFR --format md
    """


@report.command("coverage")
@click.option(
    "--by",
    "kind",
    type=click.Choice(COVERAGE_KINDS),
    default="resolution",
    show_default=True,
    help="What the columns are: resolutions, SDGs, WSIS action lines or GDC objectives.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(COVERAGE_FORMATS),
    default="md",
    show_default=True,
    help="csv and md tables, a self-contained html page, or a png/svg heatmap.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (complete or not at all); standard output if omitted.",
)
def report_coverage(kind: str, fmt: str, output: Path | None) -> None:
    """The region-by-target coverage matrix, with the gaps of each region."""
    from .reports import coverage_matrix, render_coverage

    data = render_coverage(coverage_matrix(_store(), kind), fmt)
    _write(data, output, binary=fmt in ("png", "svg"))


@report.command("region")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; standard output if omitted.",
)
def report_region(code: str, fmt: str, output: Path | None) -> None:
    """One page on a region: offices, initiatives, events by year, centres, coverage and gaps."""
    from .reports import region_html, region_markdown, region_report

    try:
        summary = region_report(_store(), code.upper())
    except ValueError as error:
        _fail(str(error))
    text = region_html(summary) if fmt == "html" else region_markdown(summary)
    _write(text.encode("utf-8"), output)


@report.command("versions")
@click.argument("code")
@click.option(
    "--cycle",
    help="The WTDC cycle, e.g. conference/WTDC-25; default: the latest (the default of the "
    "initiatives-drafted-and-adopted query).",
)
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; standard output if omitted.",
)
def report_versions(code: str, cycle: str | None, fmt: str, output: Path | None) -> None:
    """A region's initiatives as drafted and as adopted: titles and objectives side by side,
    grouped into changed, same, adopted only and draft only."""
    from .reports import versions_html, versions_markdown, versions_report

    try:
        summary = versions_report(_store(), code.upper(), cycle)
    except ValueError as error:
        _fail(str(error))
    text = versions_html(summary) if fmt == "html" else versions_markdown(summary)
    _write(text.encode("utf-8"), output)


@main.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "patch"]),
    default="md",
    show_default=True,
    help="md and html for people, json (stable keys, see itugraph.diff_formats), or patch: an "
    "RDF Patch (D and A rows of N-Quads) that turns OLD into NEW (itugraph.diff.apply_patch).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (complete or not at all); standard output if omitted.",
)
def diff_command(old: str, new: str | None, fmt: str, output: Path | None) -> None:
    """Compare two versions of the graph: the entities added, removed and changed (each
    property's old and new values), by class and label; statements moved from one source
    document to another; statements added and removed per source document.

    \b
    OLD and NEW are each one of:
      dist/0.1.0     a release folder (its graph.nq, every named graph)
      . or ../repo   a project folder, read as every command reads it
      data/          a data folder, read as --data-dir reads it
      git:REV        a revision of the git repository around this project
                     (git:HEAD, git:HEAD~3, git:v0.1.0), exported to a temporary folder
    NEW defaults to the graph this run reads (the project here, or --data-dir).

    Entities are the IRIs under id/; blank nodes are compared canonically, per named graph.

    Exit status: 0 no differences, 1 differences found (as diff does), 2 cannot run (a version
    that cannot be read, an unknown revision, an output that cannot be written).

    \b
    Examples:
      itugraph diff git:HEAD                       what changed since the last commit
      itugraph diff git:v0.1.0 git:HEAD --format html -o changes.html
      itugraph diff dist/0.1.0 dist/0.2.0 --format json
      itugraph diff dist/0.1.0 . --format patch -o to-now.patch
    """
    from .diff import DiffError, diff
    from .diff_formats import render, summary_sentence

    try:
        changes = diff(old, _project() if new is None else new)
    except DiffError as error:
        _fail(str(error))
    _write(render(changes, fmt), output)
    click.echo(summary_sentence(changes), err=True)
    sys.exit(EXIT_VIOLATIONS if changes else 0)


def _write(data: bytes, output: Path | None, binary: bool = False) -> None:
    if output is None:
        if binary and sys.stdout.isatty():
            raise click.UsageError("an image is not for a terminal: give -o FILE (or redirect)")
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except OSError as error:
            _fail(f"cannot write to standard output: {error.strerror or error}")
        return
    try:
        write_atomic(output, data)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}")


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind (loopback by default).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a SPARQL query may run before the server answers 503.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most rows a SELECT returns (the rest are cut, with X-Result-Truncated: true).",
)
@click.option(
    "--public-base",
    default=BASE,
    show_default=True,
    help="Public IRI base that the server's root stands for (id/…, def#…).",
)
@click.option(
    "--max-age",
    default=300,
    show_default=True,
    type=click.IntRange(min=0),
    help="Seconds clients may reuse an answer (Cache-Control); ETags make revalidation cheap.",
)
@click.option(
    "--cache-size",
    default=1024,
    show_default=True,
    type=click.IntRange(min=0),
    help="Answers kept in memory (canned queries, SPARQL, entity pages); 0 turns the cache off.",
)
@click.option(
    "--cache-memory",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="MiB of answers the in-memory cache may hold.",
)
@click.option(
    "--access-log/--no-access-log", default=True, show_default=True, help="Log every request."
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes that evaluate SPARQL; a query past --timeout or --memory-cap costs one "
    "worker (killed and replaced), never the server.",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port, each with its own answer cache and --workers query "
    "workers: pages are built on as many cores.",
)
@ALLOW_SERVICE
@click.option(
    "--memory-cap",
    default=1024,
    show_default=True,
    type=click.IntRange(min=64),
    help="MiB a query's worker process may use before it is killed (the query gets a 503).",
)
@click.option(
    "--previous",
    metavar="DIR",
    type=click.Path(path_type=Path),
    default=None,
    help="An earlier release folder (written by itugraph release): the page /changes (and "
    "/changes.json, /changes.md) shows what changed from it to the served graph, worked out "
    "once at start. Without it, /changes answers 404.",
)
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    public_base: str,
    max_age: int,
    cache_size: int,
    cache_memory: int,
    access_log: bool,
    workers: int,
    processes: int,
    memory_cap: int,
    allowed_services: tuple[str, ...],
    previous: Path | None,
) -> None:
    """Serve the validated graph: SPARQL endpoint, REST API, linked data and browser UI.

    \b
    Open http://127.0.0.1:8000/ in a browser; tools use /sparql, /api/queries and /openapi.json.
    Examples:
      itugraph serve
      itugraph serve --port 8080 --timeout 5
      itugraph serve --previous dist/0.1.0      (/changes: what changed since 0.1.0)
      itugraph serve --processes 2              (two server processes on one port)
    """
    import uvicorn

    from .serve import ServerSettings, create_app

    earlier = _previous_release(previous)
    _conforming_report("not serving it")
    settings = ServerSettings(
        timeout=timeout,
        max_rows=max_rows,
        public_base=public_base,
        max_age=max_age,
        cache_size=cache_size,
        cache_memory=cache_memory * 2**20,
        workers=workers,
        worker_memory=memory_cap * 2**20,
        allowed_services=allowed_services,
    )
    project, use_cache = _project(), not _root_params()["no_cache"]
    if processes > 1:
        from .serve.processes import serve_in_processes

        arguments = (settings, project, use_cache, previous)
        try:
            status = serve_in_processes(
                arguments, host, port, processes, log_level="info", access_log=access_log
            )
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            _fail(f"cannot listen on {host}:{port}: {reason}")
        sys.exit(status)
    app = create_app(settings, project, use_cache=use_cache, previous=earlier)
    click.echo(f"itugraph: serving at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)


@main.command()
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The server's SPARQL 1.1 Graph Store Protocol URL, e.g. http://localhost:7878/store "
    "(Oxigraph) or http://localhost:8890/sparql-graph-crud-auth (Virtuoso).",
)
@click.option(
    "--graph",
    "union_graph",
    metavar="IRI",
    default=str(UNION_GRAPH),
    show_default=True,
    help="Named graph that receives the union of all sources.",
)
@click.option("--user", default=None, help="User name, if the server asks for one.")
@click.option(
    "--password", envvar="ITUGRAPH_PASSWORD", default=None, help="Password (env ITUGRAPH_PASSWORD)."
)
@click.option(
    "--timeout", type=click.IntRange(1), default=300, show_default=True, help="Seconds per request."
)
def publish(endpoint: str, union_graph: str, user: str | None, password: str | None, timeout: int):
    """Load the validated graph onto a SPARQL server through the Graph Store Protocol.

    Each source's named graph and their union (--graph) are replaced with HTTP PUT, then read
    back and their triples counted; exit 1 if the server holds other counts than were sent.

    \b
    Examples:
      itugraph publish --endpoint http://localhost:7878/store
      itugraph publish --endpoint http://localhost:8890/sparql-graph-crud-auth --user dba
      itugraph query regions --endpoint http://localhost:8890/sparql
    """
    from .remote import publish as publish_graph

    _conforming_report("fix it before publishing")
    try:
        report = publish_graph(_store(), endpoint, union_graph, user, password, timeout)
    except RemoteError as error:
        _fail(str(error))
    for graph in report.graphs:
        mark = "ok" if graph.sent == graph.stored else "MISMATCH"
        click.echo(f"{mark}  {graph.stored:>8} of {graph.sent:>8} triples  {graph.iri}")
    if not report.verified:
        _fail("the server does not hold the triples that were sent", EXIT_VIOLATIONS)
    click.echo(f"published {len(report.graphs)} graphs to {endpoint}")


@main.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder under which dist/{version}/ is written.",
)
@click.option(
    "--version",
    "version",
    default=None,
    help="Release version (default: the ontology's owl:versionInfo).",
)
@click.option(
    "--issued",
    default=None,
    help="Issue date YYYY-MM-DD (default: today; fix it to reproduce a release).",
)
@click.option(
    "--endpoint", default=None, help="Public SPARQL endpoint to name in the VoID description."
)
@click.option(
    "--force", is_flag=True, help="Replace the release folder of this version if it exists."
)
@click.option(
    "--previous",
    metavar="DIR",
    type=click.Path(path_type=Path),
    default=None,
    help="An earlier release folder (its SHA256SUMS, graph.nq and dataset.ttl): write the "
    "changes from it as changes.md and changes.json (the report of itugraph diff DIR), and link "
    "it in dataset.ttl as dcat:previousVersion and prov:wasRevisionOf (its IRI read from its "
    "dataset.ttl).",
)
def release(
    out_dir: Path,
    version: str | None,
    issued: str | None,
    endpoint: str | None,
    force: bool,
    previous: Path | None,
) -> None:
    """Build a versioned linked-data release: Turtle, sorted N-Triples, N-Quads, JSON-LD with its
    context, the initiatives as framed JSON-LD, RDF/XML, ontology with HTML documentation, shapes,
    VoID/DCAT description, validation report, SHA256SUMS and an index.html; with --previous, the
    changes since that release too.

    \b
    Examples:
      itugraph release
      itugraph release -o public/ --issued 2026-11-23 --endpoint https://example.org/sparql
      itugraph release --version 0.2.0 --previous dist/0.1.0
    """
    from datetime import date

    from .release import ReleaseError, build_release, check_version

    try:
        if issued is not None:
            date.fromisoformat(issued)
    except ValueError:
        raise click.BadParameter("expected a date YYYY-MM-DD", param_hint="--issued") from None
    try:
        if version is not None:
            check_version(version)
    except ReleaseError as error:
        _fail(str(error))
    earlier = _previous_release(previous)
    report = _conforming_report("fix it before releasing")
    dataset = _graph()
    if version is None:
        from .graph import ONTOLOGY_GRAPH
        from .namespaces import OWL

        version = str(next(dataset.graph(ONTOLOGY_GRAPH).objects(None, OWL.versionInfo)))
    try:
        files = build_release(dataset, out_dir, version, issued, endpoint, report, force, earlier)
    except ReleaseError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write the release under {out_dir}: {error.strerror or error}")
    click.echo(f"wrote {len(files)} files to {out_dir / version}")


@main.command("ingest")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the draft and its review (default: ingest/{slug}/ under the current "
    "directory).",
)
@click.option("--slug", help="The document's slug (default: from the file name).")
@click.option("--title", help="The document's title, if it states none or another is wanted.")
@click.option("--date", help="The document's date: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--lang", "language", help="The document's language tag (en, zh).")
@click.option(
    "--accept",
    "accepting",
    is_flag=True,
    help="Write the accepted candidates to data/{slug}.ttl and the report to data/sources/, "
    "if the whole graph then conforms.",
)
@click.option(
    "--reject",
    multiple=True,
    metavar="IDS",
    help="Candidates to leave out, e.g. --reject E3,P1 (with --accept, or for the draft).",
)
def ingest_command(
    file: Path,
    output: Path | None,
    slug: str | None,
    title: str | None,
    date: str | None,
    language: str | None,
    accepting: bool,
    reject: tuple[str, ...],
) -> None:
    """Read a new report (.txt, .md, .docx, .pdf, .html) into a reviewed draft of its graph.

    Without --accept: writes {slug}.ttl (the draft, in the form of data/{slug}.ttl), review.md
    and review.html (the text with every candidate fact highlighted and linked to the triples
    it would add) to the output folder; nothing in data/ changes. With --accept: writes the
    candidates not rejected (and not in conflict with the graph) to data/{slug}.ttl, copies the
    report to data/sources/ with its SHA-256 in the manifest, and validates the whole graph
    first: if it would not conform nothing is written. Accepting the same report again
    changes nothing. See docs/ingest.md.

    Exit status: 0 done, 1 the graph with the draft does not conform (nothing written), 2
    cannot run (missing, unreadable, empty, unsupported or too large file; a slug already
    used by another document; an output folder that cannot be written).

    \b
    Examples:
      itugraph ingest report.docx                      draft in ingest/report/
      itugraph ingest report.pdf --slug tsag-2026-regional-offices -o /tmp/draft
      itugraph ingest report.pdf --slug tsag-2026-regional-offices --accept --reject E4,P2
    """
    from .ingest import IngestError, accept, parse_ids, prepare, write_draft

    rejected = parse_ids(reject)
    try:
        draft = prepare(
            file,
            _project(),
            slug=slug,
            title=title,
            date=date,
            language=language,
            use_cache=not _root_params()["no_cache"],
        )
        counts = ", ".join(
            f"{sum(1 for c in draft.candidates if c.kind == kind)} {kind}"
            for kind in dict.fromkeys(c.kind for c in draft.candidates)
        )
        click.echo(
            f"{file}: {len(draft.candidates)} candidates ({counts or 'none'}), "
            f"{sum(1 for c in draft.candidates if c.conflicts)} in conflict with the graph",
            err=True,
        )
        if accepting:
            result = accept(draft, rejected)
            for path in result.written:
                click.echo(f"wrote {path}")
            if not result.written:
                click.echo(f"data/{draft.info.slug}.ttl is already this draft; nothing changed")
            click.echo(
                f"accepted {result.candidates} of {len(draft.candidates)} candidates; "
                "the graph conforms",
                err=True,
            )
            return
        folder = output or Path.cwd() / "ingest" / draft.info.slug
        for path in write_draft(draft, folder, rejected):
            click.echo(f"wrote {path}")
    except IngestError as error:
        report = getattr(error, "report", None)
        if report is not None:
            click.echo(report.as_text(), err=True)
        _fail(str(error), error.exit_code)


def _previous_release(folder: Path | None):
    """The release --previous names, read; one line and exit 2 unless it is a release folder."""
    if folder is None:
        return None
    from .release.changes import PreviousReleaseError, read_previous

    try:
        return read_previous(folder)
    except PreviousReleaseError as error:
        _fail(str(error))


def _add_global_options(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _add_global_options(command)
        else:
            command.params.extend(_global_options(after_subcommand=True))


main.params.extend(_global_options())
_add_global_options(main)
