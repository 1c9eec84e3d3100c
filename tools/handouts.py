"""Build offline HTML and PDF handouts of the notebooks, one pair per notebook.

The HTML comes from nbconvert with every script or stylesheet that would be fetched
from the internet removed, so it opens on a laptop without a network; diagrams are
embedded PNGs (widgets fall back to the static picture they leave behind). The PDF is
that HTML printed by headless Chromium.

    python tasks.py handouts [--out handouts/]
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import nbformat
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TEMPLATES = Path(__file__).resolve().parent / "handout_template"
#: Code in Markdown, left as it is: fenced blocks and inline spans.
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
#: LaTeX between dollars: $$display$$ or $inline$ (one line, no empty span).
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
REMOTE_TAG = re.compile(
    r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>"  # a script loaded from a CDN
    # an inline script importing one
    r"|<script[^>]*>(?:(?!</script>).)*?[\"']https?://(?:(?!</script>).)*?</script>"
    r"|<link[^>]*\bhref=[\"']https?://[^>]*>",  # a remote stylesheet or font
    re.IGNORECASE | re.DOTALL,
)
#: Printed pages cannot scroll: wrap long code lines and keep pictures within the page.
PRINT_STYLE = """<style>
@media print {
  pre, .jp-InputArea-editor pre, .CodeMirror pre { white-space: pre-wrap !important;
    word-break: break-word; }
  .jp-OutputArea-output img { max-width: 100% !important; height: auto !important; }
  .jp-Cell { break-inside: avoid-page; }
}
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


def find_chromium() -> str | None:
    """Path of a Chromium binary: $LSTM_TEACH_CHROMIUM, else chromium on PATH."""
    return (
        os.environ.get("LSTM_TEACH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def _outside_code(markdown: str, convert: Callable[[str], str]) -> str:
    """Apply convert to the parts of a Markdown text that are not code (fenced or inline)."""
    parts = CODE.split(markdown)
    return "".join(part if CODE.fullmatch(part) else convert(part) for part in parts)


def _mathml(text: str) -> str:
    """Replace $…$ and $$…$$ LaTeX with MathML, which browsers typeset without a script."""

    def typeset(match: re.Match[str]) -> str:
        display = match.group(0).startswith("$$")
        latex = match.group(0).strip("$").strip()
        html = latex_to_mathml(latex, display="block" if display else "inline")
        return html.replace("\n", "")

    return MATH.sub(typeset, text)


def notebook_html(path: Path) -> str:
    """The notebook as self-contained HTML: static pictures described by their alt text,
    LaTeX typeset as MathML, no widgets, nothing remote."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _outside_code(cell.source, _mathml)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    # No embed_images: the pictures are outputs, already inline, and with it nbconvert
    # re-parses each inline HTML tag on its own, which would close every MathML element.
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATES)],
                            template_file="handout.html.j2")
    body, _ = exporter.from_notebook_node(notebook)
    styles = PRINT_STYLE + ACCESSIBLE_STYLE
    return REMOTE_TAG.sub("", body).replace("</head>", styles + "</head>", 1)


def print_pdf(html_path: Path, pdf_path: Path, chromium: str) -> None:
    """Print an HTML file to PDF with headless Chromium (A4, no header or footer)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
                html_path.resolve().as_uri(),
            ],
            check=True, capture_output=True, timeout=120,
        )
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write {pdf_path}")


def build(
    out: Path,
    notebooks: list[Path] | None = None,
    chromium: str | None = None,
    printer: Callable[[Path, Path], None] | None = None,
) -> list[Path]:
    """Write NAME.html and NAME.pdf for each notebook into out; return the files written.

    printer(html_path, pdf_path) prints a page to PDF; by default headless Chromium does
    (print_pdf). A caller that already has a browser open can print with it instead.
    """
    if printer is None:
        chromium = chromium or find_chromium()
        if chromium is None:
            raise RuntimeError(
                "Chromium is needed to print the PDF handouts: install it "
                "(Debian/Ubuntu: `sudo apt-get install chromium`) or set LSTM_TEACH_CHROMIUM"
            )
        printer = functools.partial(print_pdf, chromium=chromium)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        html_path = out / f"{notebook.stem}.html"
        html_path.write_text(notebook_html(notebook), encoding="utf-8")
        pdf_path = out / f"{notebook.stem}.pdf"
        printer(html_path, pdf_path)
        written += [html_path, pdf_path]
        print(f"wrote {html_path.relative_to(out.parent)} and {pdf_path.name}", flush=True)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "handouts")
    args = parser.parse_args()
    try:
        build(args.out)
    except RuntimeError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
