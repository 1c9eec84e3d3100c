"""Build offline HTML and PDF handouts for a workshop: four editions.

- **student** (`student/NN_name.*`, mirroring notebooks/): every notebook without the cells
  tagged `answer` (code that prints a challenge's answer) or `solution` (a folded
  `<details>` solution), so paper never shows a bare "Solution" or the answer in the
  next cell;
- **solutions** (`solutions-core.*`, `solutions-reference.*`): one sheet per part of the
  course, each challenge's heading with its solution printed open and its answer cells;
- **card** (`reference-card.*`): one sheet a learner keeps, from tools/reference_card.py;
- **full** (`full/NN_name.*`): every cell, folded solutions printed open.

The HTML comes from nbconvert with everything that would be fetched from the internet
removed, so it opens on a laptop without a network; LaTeX is typeset as MathML, every
diagram is an embedded PNG whose description is its alt text (widgets fall back to the
static picture they leave behind). Headless Chromium prints each page to PDF. Every
handout ends with the credit for the source answer (lstm_teach/source.py) and the
course's own licence. Files are written only into the output folder, atomically, and
only over files this tool wrote (tools/handout_files.py).

    python tasks.py handouts [--out handouts/] [--edition student ...]
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import posixpath
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter

from tools.handout_files import (
    CHROMIUM_VARIABLE,
    EDITIONS,
    NO_CHROMIUM,
    HandoutError,
    OutputFolder,
    find_chromium,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TEMPLATES = Path(__file__).resolve().parent / "handout_template"
#: Cell tags (metadata "tags") that keep a cell out of the student edition.
ANSWER, SOLUTION = "answer", "solution"
#: Most printed pages the core's student edition may take, all files together.
CORE_STUDENT_PAGES = 60
PART_TITLES = {"core": "the core notebooks", "reference": "the reference shelf"}
#: Code in Markdown, left as it is: fenced blocks and inline spans.
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
FENCED = re.compile(r"```.*?```", re.DOTALL)
#: LaTeX between dollars: $$display$$ or $inline$ (one line, no empty span).
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
#: A folded solution's opening tag, to print it open.
DETAILS = re.compile(r"<details(?![^>]*\bopen\b)([^>]*)>", re.IGNORECASE)
#: A relative link to a notebook, in Markdown `](x.ipynb#a)` or HTML `href="x.ipynb"`.
NOTEBOOK_LINK = re.compile(r"""(\]\(|href=["'])([^)"'\s:#]+)\.ipynb(?=[)#"'\s])""")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.MULTILINE)
REMOTE_TAG = re.compile(
    r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>"  # a script loaded from a CDN
    # an inline script importing one
    r"|<script[^>]*>(?:(?!</script>).)*?[\"']https?://(?:(?!</script>).)*?</script>"
    r"|<link[^>]*\bhref=[\"']https?://[^>]*>",  # a remote stylesheet or font
    re.IGNORECASE | re.DOTALL,
)
#: Printed pages cannot scroll: wrap long code lines and keep pictures within the page.
#: Print type at 13 px (code 12 px, about 9.75 and 9 pt) without the In/Out prompts, and
#: cells that may break across pages (a picture, a table row or a code block may not):
#: the lab theme's 14 px and unbreakable cells took 112 pages for today's core notebooks,
#: this takes 79.
PRINT_STYLE = """<style>
@page { margin: 12mm; }
@media print {
  :root { --jp-content-font-size1: 13px; --jp-code-font-size: 12px;
    --jp-content-line-height: 1.45; --jp-code-line-height: 1.3;
    --jp-content-heading-margin-top: 0.8em; }
  pre, .jp-InputArea-editor pre, .CodeMirror pre { white-space: pre-wrap !important;
    word-break: break-word; }
  .jp-OutputArea-output img { max-width: 100% !important; height: auto !important; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  .jp-Cell { break-inside: auto; padding-top: 2px; padding-bottom: 2px; }
  .jp-InputArea-editor, .jp-RenderedImage, .jp-OutputArea-output img, tr, pre
    { break-inside: avoid; }
  .jp-RenderedHTMLCommon h1 { font-size: 1.7em; }
  .jp-RenderedHTMLCommon h2 { font-size: 1.35em; }
  .jp-RenderedHTMLCommon h3 { font-size: 1.15em; }
}
.handout-credit { margin: 2em 1em 0; padding-top: 0.5em; border-top: 1px solid #595959;
  font-size: 0.85em; color: #222; }
</style>
"""
#: Colours that keep every text at a contrast of at least 4.5:1 (WCAG AA), where the lab
#: theme's pale prompts, syntax colours and ANSI colours in tracebacks fall below it, and
#: underlined links, which colour alone would not tell apart from the text around them.
ACCESSIBLE_STYLE = """<style>
.jp-InputPrompt, .jp-OutputPrompt { color: #595959 !important; opacity: 1 !important; }
a, a:link, a:visited { text-decoration: underline !important; }
.highlight .c, .highlight .c1, .highlight .cm, .highlight .cs, .highlight .ch
  { color: #3b5e5e !important; }
.highlight .k, .highlight .kc, .highlight .kd, .highlight .kn, .highlight .kp, .highlight .kr,
.highlight .kt, .highlight .nb, .highlight .bp { color: #00641e !important; }
.highlight .o, .highlight .ow { color: #6a1b9a !important; }
.highlight .m, .highlight .mf, .highlight .mi, .highlight .mh, .highlight .mo, .highlight .il
  { color: #1b5e20 !important; }
.highlight .s, .highlight .s1, .highlight .s2, .highlight .sa, .highlight .sb, .highlight .sd,
.highlight .se, .highlight .si, .highlight .sx { color: #a31515 !important; }
.highlight .nf, .highlight .nc, .highlight .nn, .highlight .fm { color: #0b3ea8 !important; }
.highlight .nd, .highlight .ne { color: #7a4a00 !important; }
.ansi-red-fg { color: #a10000 !important; } .ansi-green-fg { color: #1b5e20 !important; }
.ansi-cyan-fg { color: #005f63 !important; } .ansi-yellow-fg { color: #6b4a00 !important; }
.ansi-blue-fg { color: #0b3ea8 !important; } .ansi-magenta-fg { color: #7b1fa2 !important; }
</style>
"""
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STUDENT_NOTE = (
    "*Student edition: the challenges' solutions, and the cells that print their answers, "
    "are left out here; they are on the solutions sheet.*"
)

Printer = Callable[[Path, Path], None]


# --- which notebooks ----------------------------------------------------------------------


def course_notebooks() -> dict[str, list[Path]]:
    """The course's notebooks by part, in reading order, from the course's notebook registry
    (tools/notebooks.py): the core (notebooks/NN_*.ipynb) and the reference shelf
    (notebooks/reference/NN_*.ipynb) that this checkout holds."""
    from tools import notebooks

    root = NOTEBOOKS.parent
    return {"core": notebooks.paths(root, part="core"),
            "reference": notebooks.paths(root, part="reference")}


def relative_name(notebook: Path) -> str:
    """The handout's name without suffix, mirroring notebooks/: "reference/10_history"."""
    try:
        return notebook.resolve().relative_to(NOTEBOOKS).with_suffix("").as_posix()
    except ValueError:  # a notebook from elsewhere (a test's fixture): its name alone
        return notebook.stem


def notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The notebook's first heading, without Markdown, or fallback."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and (heading := HEADING.search(cell.source)):
            return re.sub(r"[`*_]", "", heading.group(2))
    return fallback


def _tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def left_out(cell: nbformat.NotebookNode) -> bool:
    """Whether the student edition leaves this cell out."""
    return bool(_tags(cell) & {ANSWER, SOLUTION})


def untagged_solutions(notebook: nbformat.NotebookNode) -> list[int]:
    """Markdown cells holding a folded <details> without the `solution` tag: the
    student edition would print them folded, a bare "Solution" on paper."""
    return [
        index for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and "<details" in cell.source.lower()
        and SOLUTION not in _tags(cell)
    ]


# --- notebooks as HTML ----------------------------------------------------------------------


def _outside_code(markdown: str, convert: Callable[[str], str]) -> str:
    """Apply convert to the parts of a Markdown text that are not code (fenced or inline)."""
    parts = CODE.split(markdown)
    return "".join(part if CODE.fullmatch(part) else convert(part) for part in parts)


def _mathml(text: str) -> str:
    """Replace $…$ and $$…$$ LaTeX with MathML, which browsers typeset without a script."""

    def typeset(match: re.Match[str]) -> str:
        display = match.group(0).startswith("$$")
        latex = match.group(0).strip("$").strip()
        converted = latex_to_mathml(latex, display="block" if display else "inline")
        return converted.replace("\n", "")

    return MATH.sub(typeset, text)


def _open_details(text: str) -> str:
    """Folded solutions printed open (Chromium prints a closed <details> closed)."""
    return DETAILS.sub(lambda match: f"<details open{match.group(1)}>", text)


def _link_to_handouts(base: str) -> Callable[[str], str]:
    """Rewrite relative links to notebooks into links to their handouts: x.ipynb becomes
    base/x.html (base is the handout's folder seen from the page, "" beside it)."""

    def rewrite(text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            target = posixpath.normpath(posixpath.join(base, match.group(2))) if base \
                else match.group(2)
            return f"{match.group(1)}{target}.html"

        return NOTEBOOK_LINK.sub(replace, text)

    return rewrite


def _prepared(notebook: nbformat.NotebookNode, link_base: str = "") -> nbformat.NotebookNode:
    """A copy ready for export: math as MathML, solutions open, links to handouts, no
    widget state or views (each widget's static picture stays)."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata.pop("widgets", None)
    links = _link_to_handouts(link_base)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _outside_code(cell.source, lambda part: links(_open_details(
                _mathml(part))))
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return notebook


def _export(notebook: nbformat.NotebookNode, title: str, footer: str) -> str:
    # No embed_images: the pictures are outputs, already inline, and with it nbconvert
    # re-parses each inline HTML tag on its own, which would close every MathML element.
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATES)],
                            template_file="handout.html.j2")
    resources = {"metadata": {"name": title}, "handout_footer": footer}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    styles = PRINT_STYLE + ACCESSIBLE_STYLE
    return REMOTE_TAG.sub("", body).replace("</head>", styles + "</head>", 1)


def _read(notebook: Path | nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook from disk (or as given): a valid notebook of format 4, else a
    HandoutError saying which file and how to get it back."""
    if isinstance(notebook, nbformat.NotebookNode):
        return notebook
    restore = "restore it, e.g. with `git checkout` on that file"
    try:
        text = notebook.read_text(encoding="utf-8")
        saved = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        said = getattr(error, "strerror", None) or str(error).splitlines()[0][:120]
        raise HandoutError(f"{notebook} is not a readable notebook ({said}): {restore}") from None
    if (not isinstance(saved, dict) or not isinstance(saved.get("cells"), list)
            or not isinstance(saved.get("nbformat"), int) or saved["nbformat"] < 4):
        raise HandoutError(f"{notebook} is not a notebook of format 4 (a list of cells and "
                           f"nbformat 4): {restore}")
    try:
        read = nbformat.reads(text, as_version=4)
        nbformat.validate(read)
    except (ValueError, KeyError, TypeError, AttributeError, nbformat.ValidationError) as error:
        said = str(error).splitlines()[0][:120]
        raise HandoutError(f"{notebook} is not a valid notebook ({said}): {restore}") from None
    return read


def notebook_html(notebook: Path | nbformat.NotebookNode, *, title: str | None = None,
                  footer: str | None = None) -> str:
    """The full edition of a notebook as self-contained HTML: static pictures described
    by their alt text, LaTeX typeset as MathML, folded solutions open, no widgets,
    nothing remote, the credit at the end."""
    read = _read(notebook)
    fallback = notebook.stem if isinstance(notebook, Path) else "Notebook"
    return _export(_prepared(read), title or notebook_title(read, fallback),
                   credit_html() if footer is None else footer)


def student_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the cells tagged answer or solution; a note at the top says
    so when any were left out."""
    kept = [cell for cell in notebook.cells if not left_out(cell)]
    student = nbformat.from_dict(notebook)
    if len(kept) < len(notebook.cells):
        kept.insert(1 if kept and kept[0].cell_type == "markdown" else 0,
                    nbformat.v4.new_markdown_cell(STUDENT_NOTE))
    student.cells = kept
    return student


def student_html(notebook: Path | nbformat.NotebookNode, *, title: str | None = None,
                 footer: str | None = None) -> str:
    """The student edition of a notebook as self-contained HTML."""
    read = _read(notebook)
    fallback = notebook.stem if isinstance(notebook, Path) else "Notebook"
    title = title or f"{notebook_title(read, fallback)} (student edition)"
    return _export(_prepared(student_notebook(read)), title,
                   credit_html() if footer is None else footer)


def solutions_notebook(notebooks: Sequence[Path], part: str) -> nbformat.NotebookNode | None:
    """One sheet for the tagged cells of these notebooks, in order: per notebook its
    title, per challenge the heading above it, then its solutions (printed open) and
    answer cells with their outputs. None if no cell is tagged."""
    cells = [nbformat.v4.new_markdown_cell(
        f"# Solutions: {PART_TITLES.get(part, part)}\n\n"
        "Each challenge's solution, printed open, and the cells that print its answer, "
        "with their outputs, in the order of the notebooks."
    )]
    found = False
    for path in notebooks:
        notebook = _read(path)
        name = relative_name(path)
        base = posixpath.join("student", posixpath.dirname(name))
        links = _link_to_handouts(base)
        title_added = False
        heading: tuple[int, str] | None = None  # the latest heading: its cell and text
        heading_shown = None
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "markdown" and (text := _last_heading(cell.source)):
                heading = (index, text)
            if not left_out(cell):
                continue
            if not title_added:
                title = notebook_title(notebook, path.stem)
                if not title[:1].isdigit():
                    title = f"{path.stem[:2]} · {title}"
                cells.append(nbformat.v4.new_markdown_cell(f"## {title}"))
                title_added = True
            if heading is not None and heading != heading_shown:
                cells.append(nbformat.v4.new_markdown_cell(f"### {heading[1]}"))
                heading_shown = heading
            copy = nbformat.from_dict(cell)
            if copy.cell_type == "markdown":
                copy.source = _outside_code(copy.source, links)
            cells.append(copy)
            found = True
    if not found:
        return None
    sheet = nbformat.v4.new_notebook(cells=cells)
    sheet.metadata = nbformat.from_dict({"language_info": {"name": "python"}})
    return sheet


def _last_heading(markdown: str) -> str | None:
    """The last heading of a Markdown cell (not counting fenced code), without its #s."""
    found = [match.group(2) for match in HEADING.finditer(FENCED.sub("", markdown))]
    return found[-1] if found else None


# --- credit -------------------------------------------------------------------------------


def project_licence(root: Path = ROOT) -> str | None:
    """The course's own licence as the project states it: pyproject.toml's
    [project].license, else the first line of a LICENSE file; None if neither exists."""
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        project = {}
    stated = project.get("project", {}).get("license")
    if isinstance(stated, dict):
        stated = stated.get("text") or (f"see {stated['file']}" if "file" in stated else None)
    for name in ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "COPYING"):
        path = root / name
        if path.is_file():
            first = next((line.strip(" #\t") for line in path.read_text(
                encoding="utf-8", errors="replace").splitlines() if line.strip()), "")
            said = stated if isinstance(stated, str) and stated else first
            return f"{said} (the file {name} in the course folder)" if said else None
    return f"{stated} (pyproject.toml)" if isinstance(stated, str) and stated else None


def credit_html(source: object | None = None, licence: str | None = None) -> str:
    """The footer every handout ends with: the source answer as lstm_teach/source.py
    states it (what is not established yet is said to be so), and the course's licence
    (read from the project unless given; "" says it is not stated)."""
    if source is None:
        from lstm_teach.source import SOURCE as source
    if licence is None:
        licence = project_licence()
    title = html.escape(getattr(source, "title", None) or "the source answer")
    site = getattr(source, "site", None)
    url = getattr(source, "url", None)
    author = getattr(source, "author", None)
    source_licence = getattr(source, "licence", None)
    licence_url = getattr(source, "licence_url", None)
    named = f"<a href=\"{html.escape(url)}\">“{title}”</a>" if url else f"“{title}”"
    parts = [f"This course grew out of the answer to {named}"]
    if site:
        parts.append(f" on {html.escape(site)}")
    if author:
        parts.append(f", by {html.escape(author)}")
    if source_licence:
        said = html.escape(source_licence)
        parts.append(f", licensed under <a href=\"{html.escape(licence_url)}\">{said}</a>"
                     if licence_url else f", licensed under {said}")
    parts.append(". Sentences quoted from it keep the post's licence.")
    missing = [what for what, value in (("its address", url), ("its author as shown on the post",
                                        author), ("its licence", source_licence)) if not value]
    if missing:
        parts.append(f" Not yet established from public copies: {_and_join(missing)}.")
    own = (f"The course's own licence: {html.escape(licence)}." if licence
           else "The course's own licence is not stated yet.")
    return (f'<footer class="handout-credit" aria-label="Credit and licence">'
            f"<p>{''.join(parts)}</p><p>{own}</p></footer>")


def _and_join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- printing -------------------------------------------------------------------------------


def print_pdf(html_path: Path, pdf_path: Path, chromium: str) -> None:
    """Print an HTML file to PDF with headless Chromium (A4, no header or footer); any
    failure is one HandoutError naming the browser and what to check."""
    check = (f"check that it is Chromium or Chrome ({CHROMIUM_VARIABLE} chooses another, "
             "e.g. /usr/bin/chromium)")
    with tempfile.TemporaryDirectory() as profile:
        try:
            done = subprocess.run(
                [
                    chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
                    html_path.resolve().as_uri(),
                ],
                capture_output=True, text=True, timeout=180,
            )
        except OSError as error:
            raise HandoutError(f"cannot run {chromium} ({error.strerror}): {check}") from None
        except subprocess.TimeoutExpired:
            raise HandoutError(
                f"{chromium} took more than 180 s to print {html_path.name}: {check}"
            ) from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1][:200]
        raise HandoutError(f"{chromium} failed to print {html_path.name} (exit code "
                           f"{done.returncode}: {said}): {check}")
    if not pdf_path.exists() or not pdf_path.read_bytes().startswith(b"%PDF-"):
        raise HandoutError(f"{chromium} did not print {html_path.name} to PDF: {check}")


def pdf_pages(path: Path) -> int:
    """Pages of a PDF that Chromium printed (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def _is_pdf(path: Path) -> None:
    if not path.read_bytes().startswith(b"%PDF-"):
        raise HandoutError(f"the printer wrote no PDF for {path.name}")


# --- building -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One handout to write: NAME.html and NAME.pdf in the output folder."""

    edition: str
    name: str  # relative, without suffix, e.g. "student/reference/10_history"
    part: str  # "core", "reference", or "" for the card
    html: Callable[[], str]


@dataclass(frozen=True)
class Written:
    edition: str
    part: str
    html: Path
    pdf: Path
    pages: int


def plan(parts: Mapping[str, Sequence[Path]], editions: Iterable[str],
         footer: str) -> list[Document]:
    """Every handout these editions need, in order (HTML made only when written)."""
    editions = set(editions)
    documents = []
    if "card" in editions:
        from tools import reference_card

        documents.append(Document("card", "reference-card", "", lambda: reference_card.card_html(
            reference_card.card_content(), footer_html=footer)))
    for part, notebooks in parts.items():
        if "solutions" in editions and solutions_notebook(notebooks, part) is not None:
            documents.append(Document(
                "solutions", f"solutions-{part}", part,
                functools.partial(_solutions_html, notebooks, part, footer),
            ))
        for edition, export in (("student", student_html), ("full", notebook_html)):
            if edition in editions:
                documents += [
                    Document(edition, f"{edition}/{relative_name(notebook)}", part,
                             functools.partial(export, notebook, footer=footer))
                    for notebook in notebooks
                ]
    return documents


def _solutions_html(notebooks: Sequence[Path], part: str, footer: str) -> str:
    sheet = solutions_notebook(notebooks, part)
    assert sheet is not None
    return _export(_prepared(sheet), f"Solutions: {PART_TITLES.get(part, part)}", footer)


def build(
    out: Path,
    parts: Mapping[str, Sequence[Path]] | None = None,
    *,
    editions: Iterable[str] = EDITIONS,
    chromium: str | None = None,
    printer: Printer | None = None,
    say: Callable[[str], None] | None = None,
) -> list[Written]:
    """Write every handout of these editions into out; return what was written.

    parts maps "core" and "reference" to their notebooks (default: the course's own).
    printer(html_path, pdf_path) prints a page to PDF; by default headless Chromium does
    (print_pdf). A caller that already has a browser open can print with it instead.
    Raises HandoutError (one line) for anything the user must fix; nothing is written
    then unless the error comes from printing.
    """
    say = say or functools.partial(print, flush=True)
    editions = tuple(editions)
    unknown = sorted(set(editions) - set(EDITIONS))
    if unknown:
        raise HandoutError(f"unknown edition {', '.join(unknown)}: choose from "
                           f"{', '.join(EDITIONS)}")
    everything = parts is None
    parts = course_notebooks() if parts is None else parts
    if printer is None:
        chromium = chromium or find_chromium()
        if chromium is None:
            raise HandoutError(NO_CHROMIUM)
        printer = functools.partial(print_pdf, chromium=chromium)
    folder = OutputFolder.open(out)
    footer = credit_html()
    documents = plan(parts, editions, footer)
    folder.claim(name for document in documents for name in (f"{document.name}.html",
                                                              f"{document.name}.pdf"))
    for notebooks in parts.values() if "student" in editions else ():
        for path in notebooks:
            for index in untagged_solutions(_read(path)):
                say(f"note: {path.name} c{index} holds a folded <details> without the "
                    f"`{SOLUTION}` tag: the student edition prints it folded")
    written = []
    for document in documents:
        html_path = folder.write_text(f"{document.name}.html", document.html(),
                                      document.edition)
        pdf_path = folder.write_with(
            f"{document.name}.pdf", lambda temporary, page=html_path: printer(page, temporary),
            document.edition, check=_is_pdf)
        pages = pdf_pages(pdf_path)
        written.append(Written(document.edition, document.part, html_path, pdf_path, pages))
        say(f"wrote {document.name}.html and .pdf ({pages} page{'s' * (pages != 1)})")
    if everything:
        removed, left = folder.remove_stale(editions, [
            name for document in documents for name in (f"{document.name}.html",
                                                        f"{document.name}.pdf")])
        for name in removed:
            say(f"removed {name}: an earlier build wrote it and nothing makes it now")
        for name in left:
            say(f"left {name} alone: it is no longer made, but was changed since it was written")
    strangers = folder.strangers()
    if strangers:
        say(f"note: {len(strangers)} other file{'s' * (len(strangers) != 1)} in {folder.root} "
            f"(such as {strangers[0]}) were not written by handouts and were left as they are")
    for line in page_summary(written):
        say(line)
    return written


def page_summary(written: Sequence[Written]) -> list[str]:
    """Printed pages per edition and part, and the core student edition against its budget."""
    totals: dict[tuple[str, str], list[int]] = {}
    for item in written:
        totals.setdefault((item.edition, item.part), []).append(item.pages)
    lines = []
    for (edition, part), pages in totals.items():
        where = f" ({PART_TITLES.get(part, part)})" if part else ""
        files = f" in {len(pages)} files" if len(pages) > 1 else ""
        line = f"pages: {edition}{where}: {sum(pages)}{files}"
        if (edition, part) == ("student", "core"):
            verdict = "within" if sum(pages) <= CORE_STUDENT_PAGES else "OVER"
            line += f", {verdict} the budget of {CORE_STUDENT_PAGES}"
        lines.append(line)
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.handouts",
                                     description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--out", type=Path, default=ROOT / "handouts", metavar="FOLDER",
                        help="folder to write into, created if missing (default: handouts)")
    parser.add_argument("--edition", action="append", choices=EDITIONS, metavar="EDITION",
                        help=f"build only this edition ({', '.join(EDITIONS)}); repeat for "
                        "several (default: all)")
    args = parser.parse_args(argv)
    try:
        build(args.out, editions=args.edition or EDITIONS)
    except HandoutError as error:
        sys.exit(f"handouts: {error}")


if __name__ == "__main__":
    main()
