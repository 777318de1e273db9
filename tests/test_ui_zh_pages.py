"""The canned-question pages, the SPARQL editor, the coverage page and the error page speak the
page's language (in-process app): with ?lang=zh their interface words are the catalogue's
Chinese ones, and English from the data is marked lang="en"; the English pages keep their
wording."""

# ruff: noqa: RUF001 (the pages' Chinese punctuation is full-width)

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import html5lib
import pytest

from itugraph.serve import ServerSettings

from .conftest import serving

CATALOGUE = Path(__file__).parents[1] / "src" / "itugraph" / "serve" / "messages.toml"
#: The messages of these pages (query_pages.py, editor.html, coverage_page.py, error.html).
PREFIXES = ("queries_", "query_", "param_", "editor_", "cov_", "error_")
CELL = "/coverage?by=resolution&target=resolution/WTDC/37&region=AFR"
#: Each page in Chinese, and what it must say.
PAGES = {
    "/queries": 200,
    "/queries/field-offices?region=AFR": 200,
    "/queries/events-in-region?year=2024": 200,
    "/editor": 200,
    "/coverage": 200,
    CELL: 200,
    "/no/such/page": 404,
}


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings(timeout=5)) as client:
        yield client


def zh(path: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang=zh"


def get(client, path: str, status: int = 200):
    response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == status, path
    return response.text, html5lib.parse(response.text, namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def texts(document, path: str) -> list[str]:
    return [text_of(e) for e in document.findall(path)]


def interface_texts(element, english: bool = False) -> list[str]:
    """The page's own words: its text and the aria-label and placeholder attributes, outside
    elements marked lang="en" (and outside code, scripts and the document title)."""
    if element.get("lang") is not None and element.tag != "html":
        english = element.get("lang") == "en"
    if element.tag in ("script", "style", "code", "kbd", "pre", "title"):
        english = True
    found = []
    if not english:
        found += [element.get(a) for a in ("aria-label", "placeholder") if element.get(a)]
        found.append(element.text or "")
    for child in element:
        found += interface_texts(child, english)
        if not english:
            found.append(child.tail or "")
    return found


def english_fragments() -> list[tuple[str, str]]:
    """The English words of the pages' messages: each message's text between its {values},
    those with letters in them."""
    with CATALOGUE.open("rb") as file:
        messages = tomllib.load(file)["messages"]
    found = []
    for key, texts in messages.items():
        if not key.startswith(PREFIXES):
            continue
        for fragment in re.split(r"\{\w+\}", texts["en"]):
            fragment = fragment.strip(" .,:;()·—←+")
            if re.search(r"[A-Za-z]", fragment) and fragment not in texts.get("zh", ""):
                found.append((key, fragment))
    return found


def test_the_catalogue_has_the_pages_messages():
    keys = {key for key, _ in english_fragments()}
    assert {"query_show", "cov_behind", "editor_title", "error_not_found"} <= keys


@pytest.mark.parametrize("path", list(PAGES))
def test_no_english_interface_word_on_the_chinese_page(client, path):
    html, document = get(client, zh(path), PAGES[path])
    assert '<html lang="zh"' in html
    shown = " ".join(" ".join(t.split()) for t in interface_texts(document) if t.strip())
    left = [
        (key, fragment)
        for key, fragment in english_fragments()
        if re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", shown)
    ]
    assert left == []


def test_queries_index_in_chinese(client):
    _, document = get(client, zh("/queries"))
    assert text_of(document.find(".//h1")) == "常用问题"
    assert text_of(document.find(".//main/p")) == (
        "图谱可回答的问题，每个问题一个页面：选择问题所需的值，即可看到答案表格，可下载，"
        "也可在 SPARQL 编辑器中打开。"
    )
    assert document.find(".//nav[@class='toc']").get("aria-label") == "问题分组"
    assert texts(document, ".//section[@class='question-group']/h2") == [
        "概览",
        "可筛选的列表",
        "关于某个区域",
        "关于某个文件、条目、举措或决议",
        "全文搜索",
    ]
    assert "需要：区域 · 可选：年份" in texts(document, ".//p[@class='needs']")
    # The questions' titles and questions come from the .rq files: English, marked so.
    first = document.find(".//ul[@class='questions']/li")
    assert first.find("./a").get("lang") == "en"
    assert first.find("./small[@class='fallback']").text == "en"
    assert first.find("./p").get("lang") == "en"


def test_question_page_in_chinese(client):
    _, document = get(client, zh("/queries/field-offices?region=AFR"))
    main = document.find(".//main")
    assert text_of(main.find("./p[@class='crumbs']")) == "← 全部常用问题"
    assert main.find("./h1/span").get("lang") == "en"
    assert text_of(main.find("./h1/span")) == "Field offices"
    assert main.find("./p[@class='question']").get("lang") == "en"
    assert text_of(main.find(".//label[@for='p-region']")) == "区域"
    assert text_of(main.find(".//select[@id='p-region']/option")) == "— 任意 —"
    assert text_of(main.find(".//button[@type='submit']")) == "显示答案"
    assert text_of(main.find(".//h2[@id='answer-heading']")) == "答案"
    assert text_of(main.find(".//p[@class='count']")) == "1 行"
    assert text_of(main.find(".//p[@class='downloads']")) == (
        "下载： CSV · JSON · SPARQL 结果（JSON） · SPARQL 结果（XML） · 永久链接 · "
        "在 SPARQL 编辑器中打开"
    )
    assert text_of(main.find(".//details[@class='sparql']/summary")) == "SPARQL 查询语句"
    # Column names come from the query's variables: English, marked so.
    heads = main.findall(".//table[@id='answer-table']/thead/tr/th")
    assert {th.get("lang") for th in heads} == {"en"}


def test_missing_parameter_and_errors_in_chinese(client):
    _, document = get(client, zh("/queries/events-in-region?year=2024"))
    assert text_of(document.find(".//p[@role='status']")) == (
        "此问题需要区域：请在上方选择，然后按“显示答案”。"
    )
    assert text_of(document.find(".//select[@id='p-region']/option")) == "— 请选择区域 —"
    assert text_of(document.find(".//label[@for='p-region']")) == "区域 必填"
    assert document.find(".//input[@id='p-year']").get("placeholder") == "例如 2024"
    response = client.get(zh("/queries/events-in-region?region=ASP&limit=x"))
    assert response.status_code == 400
    alert = html5lib.parse(response.text, namespaceHTMLElements=False).find(".//div[@role='alert']")
    assert text_of(alert) == "无法回答： limit 必须是 1 到 10000 之间的整数；收到的是 'x'"


def test_editor_in_chinese(client):
    _, document = get(client, zh("/editor"))
    main = document.find(".//main")
    assert text_of(main.find("./h1")) == "SPARQL 编辑器"
    assert text_of(main.find("./p[@class='editor-intro']")) == (
        "查询在本服务器的端点 /sparql 上运行。默认图是所有来源的并集；用 GRAPH ?g "
        "可访问各来源自己的图。 Ctrl+Enter 运行查询；Ctrl+Space 补全图谱的类、属性和前缀。"
    )
    assert text_of(main.find(".//label[@for='examples']")) == "示例"
    options = main.findall(".//select[@id='examples']/option")
    assert text_of(options[0]) == "— 选择常用问题 —"
    assert {o.get("lang") for o in options[1:]} == {"en"}


def test_coverage_in_chinese(client):
    _, document = get(client, zh("/coverage"))
    main = document.find(".//main")
    assert text_of(main.find(".//h1")) == "覆盖情况"
    assert main.find(".//nav[@class='dimensions']").get("aria-label") == "目标"
    assert text_of(main.find(".//table[@id='heatmap']/caption")) == (
        "按区域统计的 resolutions 覆盖情况（每格为贡献项数）"
    )
    assert main.find(".//table[@id='heatmap']/caption/span").get("lang") == "en"
    assert text_of(main.find(".//h2[@id='cell-heading']")) == "数字背后"
    assert text_of(main.find(".//p[@class='hint']")) == (
        "选择表格中的数字（或用 Tab 键移到该数字后按 Enter），即可列出它所统计的贡献项，"
        "并链接到它们的页面以及陈述每项关联的来源文件。"
    )
    assert text_of(main.find(".//p[@class='downloads']")) == (
        "下载矩阵（区域为行，与 itugraph report coverage --by resolution 的输出相同）： "
        "CSV · PNG · SVG"
    )
    first = main.find(".//table[@id='heatmap']/tbody/tr")
    assert first.find("./th/a").get("lang") == "en"
    cell = first.find("./td[@data-region='AFR']")
    assert cell.get("title") == "AFR · Council Resolution 1408：无贡献项"
    peak = main.find(".//p[@class='legend']/{http://www.w3.org/2000/svg}svg").get("aria-label")
    assert re.fullmatch(r"色标：浅色为 1，深色为 \d+", peak)
    assert text_of(main.find(".//p[@class='legend']")) == f"0 1 至 {peak.rsplit(' ')[-1]} 个贡献项"


def test_coverage_cell_in_chinese(client):
    _, document = get(client, zh(CELL))
    section = document.find(".//section[@id='cell']")
    assert text_of(section.find("./h2")) == "Africa（AFR）中的 WTDC Resolution 37"
    assert [s.get("lang") for s in section.findall("./h2/span")] == ["en", None, "en"]
    assert text_of(section.find("./p[@class='count']")) == "14 个贡献项 · 返回整个表格"
    assert text_of(section.find("./h3")) == "Digital transformation centres 8"
    assert section.find("./h3/span").get("lang") == "en"
    first = section.find("./ul[@class='contributors']/li")
    assert first.find("./a[@class='item']").get("lang") == "en"
    assert text_of(first.find("./span[@class='via']")).startswith("通过 ")
    assert text_of(first.find("./span[@class='sources']")).startswith("来源： ")


def test_not_found_in_chinese(client):
    _, document = get(client, zh("/no/such/page"), 404)
    assert text_of(document.find(".//main/h1")) == "未找到页面"
    message = document.find(".//main/p")
    assert text_of(message) == "此地址没有页面。" and message.get("lang") is None
    assert text_of(document.find(".//title")) == "404 未找到页面 · itugraph"


def test_english_pages_keep_their_words(client):
    _, queries = get(client, "/queries")
    assert text_of(queries.find(".//h1")) == "Canned questions"
    assert texts(queries, ".//section[@class='question-group']/h2")[:3] == [
        "Overviews",
        "Lists you can narrow down",
        "About one region",
    ]
    _, answer = get(client, "/queries/field-offices?region=AFR")
    assert text_of(answer.find(".//main//button[@type='submit']")) == "Show the answer"
    assert text_of(answer.find(".//p[@class='count']")) == "1 row"
    assert text_of(answer.find(".//p[@class='downloads']")) == (
        "Download: CSV · JSON · SPARQL results (JSON) · SPARQL results (XML) · Permalink · "
        "Open in the SPARQL editor"
    )
    assert answer.find(".//h1/span") is None and answer.find(".//h1").get("lang") is None
    _, editor = get(client, "/editor")
    assert text_of(editor.find(".//main/h1")) == "SPARQL editor"
    assert text_of(editor.find(".//label[@for='examples']")) == "Example"
    _, coverage = get(client, "/coverage")
    assert text_of(coverage.find(".//h2[@id='cell-heading']")) == "Behind a number"
    assert text_of(coverage.find(".//table[@id='heatmap']/caption")) == (
        "Coverage of resolutions by region (contributing items per cell)"
    )
    assert coverage.find(".//table[@id='heatmap']/tbody/tr/td[@data-region='AFR']").get(
        "title"
    ) == ("AFR · Council Resolution 1408: no contributing items")
    _, cell = get(client, CELL)
    assert text_of(cell.find(".//section[@id='cell']/h2")) == "WTDC Resolution 37 in Africa (AFR)"
    assert text_of(cell.find(".//section[@id='cell']/p[@class='count']")) == (
        "14 contributing items · back to the whole table"
    )
    _, missing = get(client, "/no/such/page", 404)
    assert text_of(missing.find(".//main/h1")) == "Page not found"
    assert text_of(missing.find(".//main/p")) == "There is no page at this address."
