"""``itugraph ingest`` through the real command line, in a copy of the project: drafts, accept
with real SHACL validation, idempotence, .docx and .pdf reports, and every failure mode with
its one-line message and exit status."""

# ruff: noqa: RUF001 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from itugraph.cli import main
from itugraph.ingest import MAX_BYTES

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
REPORT = FIXTURES / "offices-report.txt"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the repository's ontology, shapes and data, as the current directory."""
    root = tmp_path / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, root / name)
    (root / "itugraph.toml").write_text("extends-package = false\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(main, ["ingest", *args, "--no-cache"])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_one_line_error(result, code: int, words: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and words in errors[0], result.output


def test_draft_goes_to_the_output_folder_and_data_is_untouched(project):
    before = snapshot(project / "data")
    result = run(str(REPORT))
    assert result.exit_code == 0, result.output
    folder = project / "ingest" / "offices-report"
    assert sorted(p.name for p in folder.iterdir()) == [
        "offices-report.ttl",
        "review.html",
        "review.md",
    ]
    assert snapshot(project / "data") == before
    review = (folder / "review.md").read_text(encoding="utf-8")
    assert (
        "## E1 · event · Workshop on Quantum Networks (2030-12-06 – 2030-12-08) (accepted" in review
    )
    page = (folder / "review.html").read_text(encoding="utf-8")
    assert "<a href='#cand-E1'>" in page and "id='cand-E1'" in page
    turtle = (folder / "offices-report.ttl").read_text(encoding="utf-8")
    assert turtle.startswith("# Source: data/sources/offices-report.txt")
    assert "event:workshop-on-quantum-networks-2030" in turtle


def test_review_html_escapes_the_source(project, tmp_path):
    report = tmp_path / "escaping.txt"
    report.write_text(
        "Escaping <b>test</b> & co\nA webinar on <script>alert(1)</script> Safety was held "
        "online on 2 June 2031.\n",
        encoding="utf-8",
    )
    result = run(str(report), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;test&lt;/b&gt; &amp; co" in page


def test_accept_writes_conforming_data_and_again_changes_nothing(project):
    result = run(str(REPORT), "--accept")
    assert result.exit_code == 0, result.output
    data = project / "data"
    assert (data / "sources" / "offices-report.txt").read_bytes() == REPORT.read_bytes()
    digest = hashlib.sha256(REPORT.read_bytes()).hexdigest()
    manifest = (data / "sources" / "README.md").read_text(encoding="utf-8")
    assert f"| `{digest}` | `offices-report.txt` |" in manifest
    drafted = (project / "data" / "offices-report.ttl").read_text(encoding="utf-8")
    assert "person:tomas-ibarra" in drafted
    validated = CliRunner().invoke(main, ["validate", "--no-cache", "--full"])
    assert validated.exit_code == 0, validated.output
    before = snapshot(data)
    times = {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file()}
    again = run(str(REPORT), "--accept")
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert snapshot(data) == before
    assert {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file()} == times
    assert (data / "sources" / "README.md").read_text(encoding="utf-8").count(digest) == 1


def test_rejected_candidates_and_those_needing_them_are_left_out(project):
    result = run(str(REPORT), "--accept", "--reject", "E3")
    assert result.exit_code == 0, result.output
    drafted = (project / "data" / "offices-report.ttl").read_text(encoding="utf-8")
    assert "forum-on-rural-broadband" not in drafted
    assert "tomas-ibarra" not in drafted
    assert "amara-okonkwo" in drafted
    assert "Left out (rejected, in conflict, or needing one left out): E3, P2." in drafted


def test_accept_refuses_a_graph_that_does_not_conform(project):
    before = snapshot(project / "data")
    result = run(str(REPORT), "--accept", "--lang", "de")
    assert_one_line_error(result, 1, "does not conform")
    assert "nothing was written" in result.output
    assert snapshot(project / "data") == before
    assert not list((project / "data").rglob(".*.ttl.*"))


def test_word_and_pdf_reports(project, tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Field office note"
    document.add_paragraph("The Regional Office for Africa held a training on Drone Mapping")
    document.paragraphs[0].add_run(" from 10 to 12 April 2032 in Kigali, Rwanda.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "PP Resolution 71"
    table.rows[0].cells[1].text = "noted"
    path = tmp_path / "note.docx"
    document.save(path)
    result = run(str(path), "-o", str(tmp_path / "docx"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "docx" / "note.txt").read_text(encoding="utf-8")
    assert text == (
        "The Regional Office for Africa held a training on Drone Mapping from 10 to 12 April "
        "2032 in Kigali, Rwanda.\nPP Resolution 71\tnoted\n"
    )
    review = (tmp_path / "docx" / "review.md").read_text(encoding="utf-8")
    assert "- title: Field office note" in review
    assert "## E1 · event · Training on Drone Mapping (2032-04-10 – 2032-04-12)" in review
    assert "## R1 · resolution · PP Resolution 71 (accepted" in review

    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(
        minimal_pdf(
            [
                "Field office report 2032",
                "The Regional Office for Africa held a workshop on Solar Backhaul on 9 May 2032 "
                "in Kigali, Rwanda.",
            ]
        )
    )
    result = run(str(pdf), "-o", str(tmp_path / "pdf"), "--accept")
    assert result.exit_code == 0, result.output
    assert (project / "data" / "sources" / "note.pdf").read_bytes() == pdf.read_bytes()
    drafted = (project / "data" / "note.ttl").read_text(encoding="utf-8")
    assert "event:workshop-on-solar-backhaul-2032" in drafted
    assert 'itu:startDate "2032-05-09"^^xsd:date' in drafted


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text is ``lines`` (Helvetica, one line each)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines)
    content += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_missing_file(project):
    assert_one_line_error(run("no-such-report.txt"), 2, "no such file")


@pytest.mark.parametrize("extension", [".docx", ".pdf"])
def test_corrupt_word_or_pdf(project, tmp_path, extension):
    path = tmp_path / f"broken{extension}"
    path.write_bytes(b"this is not a real document")
    words = (
        "cannot read it as a Word document" if extension == ".docx" else "cannot read it as a PDF"
    )
    assert_one_line_error(run(str(path)), 2, words)


def test_unsupported_extension(project, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"x")
    assert_one_line_error(run(str(path)), 2, "unsupported file type .xlsx")


def test_empty_document(project, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    assert_one_line_error(run(str(path)), 2, "the document has no text")


def test_huge_file(project, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(MAX_BYTES + 1)
    assert_one_line_error(run(str(path)), 2, f"more than the {MAX_BYTES:,} bytes")


def test_slug_of_another_document(project, tmp_path):
    assert_one_line_error(
        run(str(REPORT), "--slug", "tsag-2020-regional-offices"),
        2,
        "slug 'tsag-2020-regional-offices' is already the document",
    )


def test_output_folder_not_writable(project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert_one_line_error(run(str(REPORT), "-o", str(blocker / "out")), 2, "cannot write the draft")
