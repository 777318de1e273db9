"""`itugraph serve --previous DIR`: /changes shows the changes from a release to the served graph, in
the site's layout and both interface languages, entities by their labels and linked to their pages
here; /changes.json and /changes.md are the release's reports of the same changes; without a
previous release the three paths answer 404 with the site's error page and the navigation does not
link them.

The release and the edited copy are tests/test_release_previous.py's (a label changed, an entity
added): its release 1.0.0 of a pristine copy, served against the edited copy."""

from __future__ import annotations

import html5lib
import pytest
from click.testing import CliRunner
from rdflib.namespace import RDFS

from itugraph.cli import main
from itugraph.diff import compact
from itugraph.project import locate
from itugraph.serve import ServerSettings
from itugraph.serve.changes_page import NO_PREVIOUS

from .conftest import live_server, serving
from .test_release_previous import (
    ADDED_LABEL,
    NEW_LABEL,
    Versions,
    expected_changes,
    shared_second,
    shared_versions,
)

BASE = "https://w3id.org/itugraph/"


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> Versions:
    return shared_versions(tmp_path_factory)


@pytest.fixture(scope="module")
def client(versions):
    """The edited copy served in-process, with its previous release."""
    project = locate(start=versions.new, environment=False)
    with serving(ServerSettings(), project=project, previous=versions.first) as client:
        yield client


@pytest.fixture(scope="module")
def plain(versions):
    """The edited copy served in-process, without a previous release."""
    with serving(ServerSettings(), project=locate(start=versions.new, environment=False)) as client:
        yield client


@pytest.fixture(scope="module")
def backwards(versions, tmp_path_factory):
    """The pristine copy served against the edited copy's release 1.1.0: the entity the edit
    added is removed, the label changed back."""
    second = shared_second(tmp_path_factory)
    project = locate(start=versions.old, environment=False)
    with serving(ServerSettings(), project=project, previous=second) as client:
        yield client


def parse(text: str):
    return html5lib.HTMLParser(strict=False, namespaceHTMLElements=False).parse(text)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def entries(page, kind: str) -> list[tuple[str | None, str, str]]:
    """The entities a page lists as ``kind``: link target, label, prefixed IRI."""
    found = []
    for item in page.iterfind(f".//ul[@class='changes {kind}']/li"):
        link = item.find("a")
        named = link if link is not None else item.find("span")
        href = link.get("href") if link is not None else None
        found.append((href, text_of(named), text_of(item.find("code"))))
    return found


def path(iri) -> str:
    return "/" + str(iri).removeprefix(BASE)


def test_the_page_lists_the_changes_by_label_with_links(client, versions):
    response = client.get("/changes")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = parse(response.text)
    assert page.get("lang") == "en"
    assert text_of(page.find(".//h1")) == "Changes since release 1.0.0"
    assert text_of(page.find(".//title")) == "Changes since release 1.0.0 · itugraph"
    renamed, added = versions.renamed, versions.added
    assert entries(page, "changed") == [(path(renamed), NEW_LABEL, compact(str(renamed)))]
    assert entries(page, "added") == [(path(added), ADDED_LABEL, compact(str(added)))]
    assert entries(page, "removed") == []
    change = page.find(".//ul[@class='changes changed']/li/ul/li")
    assert text_of(change) == f"label: {versions.old_label} → {NEW_LABEL}"
    assert text_of(change.find("del")) == versions.old_label
    assert text_of(change.find("ins")) == NEW_LABEL
    added_item = page.find(".//ul[@class='changes added']/li")
    assert text_of(added_item.find("small")) == "3 statements"
    headings = [
        (h.find("a").get("href"), text_of(h))
        for h in page.iterfind(".//section[@class='changes']/h2")
    ]
    classes = expected_changes(versions)["classes"]
    assert headings == [
        (path(g["classes"][0]).replace("/def#", "/def/"), g["label"]) for g in classes
    ]
    assert text_of(page.find(".//p[@class='summary']")) == (
        "1 entities added, 0 removed and 1 changed; 4 statements added and 1 removed; "
        "0 moved between source documents."
    )
    rows = [
        [text_of(cell) for cell in row.iterfind("td")]
        for row in page.iterfind(".//table[@class='counts documents']/tbody/tr")
        if row.find("td") is not None
    ]
    name = "graph/" + str(versions.graph).removeprefix(f"{BASE}graph/")
    assert [(row[0], row[2], row[3]) for row in rows] == [(name, "4", "1")]
    graph_link, document_link = page.iterfind(".//table[@class='counts documents']//td/a")
    assert graph_link.get("href") == path(versions.graph)
    assert document_link.get("href") == path(versions.document)
    assert text_of(document_link) == expected_changes(versions)["graphs"][0]["label"]
    downloads = [
        (a.get("href"), a.get("download")) for a in page.iterfind(".//p[@class='downloads']/a")
    ]
    assert downloads == [("/changes.json", "changes.json"), ("/changes.md", "changes.md")]
    for href, _, _ in entries(page, "changed") + entries(page, "added"):
        assert client.get(href).status_code == 200, href


def test_a_removed_entity_is_named_by_its_old_label_without_a_link(backwards, versions):
    page = parse(backwards.get("/changes").text)
    assert text_of(page.find(".//h1")) == "Changes since release 1.1.0"
    assert entries(page, "removed") == [(None, ADDED_LABEL, compact(str(versions.added)))]
    assert entries(page, "added") == []
    renamed = versions.renamed
    assert entries(page, "changed") == [(path(renamed), versions.old_label, compact(str(renamed)))]
    change = page.find(".//ul[@class='changes changed']/li/ul/li")
    assert text_of(change) == f"label: {NEW_LABEL} → {versions.old_label}"


def test_the_page_in_chinese(client, versions):
    response = client.get("/changes", params={"lang": "zh"})
    page = parse(response.text)
    assert page.get("lang") == "zh"
    assert text_of(page.find(".//h1")) == "自版本 1.0.0 以来的变更"
    assert ("/changes", "变更") in [(a.get("href"), text_of(a)) for a in page.iterfind(".//nav/a")]
    zh = [str(label) for label in versions.dataset.objects(versions.renamed, RDFS.label)
          if label.language == "zh"]  # fmt: skip
    [(href, label, _)] = entries(page, "changed")
    assert (href, label) == (path(versions.renamed), zh[0] if zh else NEW_LABEL)
    assert sorted(text_of(h) for h in page.iterfind(".//h3")) == ["修改 (1)", "新增 (1)"]
    assert text_of(page.find(".//p[@class='summary']")) == (
        "新增 1 个实体，删除 0 个，修改 1 个；新增 4 条陈述，删除 1 条；0 条在来源文件之间移动。"  # noqa: RUF001
    )
    english = page.find(".//ul[@class='changes changed']/li/ul/li/ins/span")
    assert (english.get("lang"), text_of(english)) == ("en", NEW_LABEL)


def test_the_downloads_are_the_release_reports(client, versions):
    response = client.get("/changes.json")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'inline; filename="changes.json"'
    report = response.json()
    expected = expected_changes(versions)
    assert report["old"]["source"] == "release 1.0.0"
    assert report["new"]["source"] == locate(start=versions.new, environment=False).describe()
    for key in ("summary", "classes", "moved", "graphs"):
        assert report[key] == expected[key], key
    markdown = client.get("/changes.md")
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.text.startswith("# Changes to the graph\n")
    assert f"- **{NEW_LABEL}** `{compact(str(versions.renamed))}`\n" in markdown.text
    assert client.get("/changes.txt").status_code == 404


def test_the_navigation_links_the_changes_only_with_a_previous_release(client, plain):
    assert '<a href="/changes">Changes</a>' in client.get("/").text
    assert '<a href="/changes">Changes</a>' in client.get("/changes").text
    assert "/changes" not in plain.get("/").text


def test_without_a_previous_release_the_changes_are_404(plain):
    page = plain.get("/changes", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["cache-control"] == "no-store"
    body = parse(page.text)
    assert text_of(body.find(".//h1")) == "404"
    assert text_of(body.find(".//main/p")) == NO_PREVIOUS
    for name in ("changes.json", "changes.md"):
        answer = plain.get(f"/{name}")
        assert (answer.status_code, answer.text) == (404, NO_PREVIOUS + "\n")


def test_the_previous_release_is_part_of_the_answers_version(client, plain):
    """An ETag names the content: the same page with and without --previous differs (its nav)."""
    assert client.get("/graph").headers["etag"] != plain.get("/graph").headers["etag"]


def test_serve_refuses_a_folder_that_is_not_a_release(versions):
    result = CliRunner().invoke(main, ["serve", "--previous", str(versions.old)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --previous {versions.old}: not a release folder (no SHA256SUMS)\n"
    )


def test_help_explains_previous():
    result = CliRunner().invoke(main, ["serve", "--help"])
    text = " ".join(result.output.split())
    assert (
        "--previous DIR An earlier release folder (written by itugraph release): the page " in text
    )
    assert "Without it, /changes answers 404." in text


@pytest.mark.server
def test_the_real_server(versions):
    """`itugraph serve --previous` in the edited copy, over TCP."""
    with live_server(versions.new, "--previous", str(versions.first)) as server:
        page = parse(server.get("/changes").text)
        assert entries(page, "changed") == [
            (path(versions.renamed), NEW_LABEL, compact(str(versions.renamed)))
        ]
        chinese = server.get("/changes", params={"lang": "zh"}).text
        assert parse(chinese).get("lang") == "zh"
        assert server.get("/changes.json").json()["summary"]["entities_changed"] == 1
