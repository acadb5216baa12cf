"""The templates and the import guide say exactly what the reader accepts and reports."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from fairpath.interchange import (
    MESSAGES,
    column_reference_markdown,
    layouts,
    read_csv_dir,
    read_xlsx,
    template_files,
)

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "import-guide.md"


def test_every_message_code_is_explained_in_the_guide() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    explained = set(re.findall(r"^- `([a-z_0-9]+)`(?: / `([a-z_0-9]+)`)? —", guide, re.M))
    codes = {c for pair in explained for c in pair if c}
    assert set(MESSAGES) - codes == set(), "codes the guide does not explain"


def test_the_guide_lists_every_column_of_every_file() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("<!-- columns:start -->\n")[1].split("<!-- columns:end -->")[0]
    assert section == column_reference_markdown(), "regenerate the column tables of the guide"
    for name, layout in layouts().items():
        assert f"`{name}`" in section
        for column in layout.columns:
            assert f"| `{column.name}` |" in section


def test_csv_templates_are_header_rows_the_reader_accepts(tmp_path: Path) -> None:
    files = template_files("csv")
    assert set(files) == set(layouts())
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        assert content.count(b"\n") == 1  # header only: no example row would be imported
    assert list(read_csv_dir(tmp_path)) == []


def test_xlsx_template_has_a_sheet_per_file_and_a_guide_that_is_not_imported(
    tmp_path: Path,
) -> None:
    (content,) = template_files("xlsx").values()
    book = load_workbook(BytesIO(content), read_only=True)
    sheets = book.sheetnames
    book.close()
    assert sheets[0] == "_guide"
    assert sheets[1:] == [layout.sheet for layout in layouts().values()]
    path = tmp_path / "template.xlsx"
    path.write_bytes(content)
    assert list(read_xlsx(path)) == []


def test_template_examples_are_valid_values(tmp_path: Path) -> None:
    # The _guide sheet's examples, pasted as one row per file, must import (referential checks
    # aside): an example a clerk copies must not be an error.
    (content,) = template_files("xlsx").values()
    book = load_workbook(BytesIO(content), read_only=True)
    rows = list(book["_guide"].iter_rows(values_only=True))[1:]
    book.close()
    for name, layout in layouts().items():
        examples = {r[1]: r[4] for r in rows if r[0] == layout.sheet and r[4]}
        header = [c.name for c in layout.columns]
        line = ",".join(f'"{examples.get(h, "")}"' for h in header)
        (tmp_path / name).write_text(",".join(header) + "\n" + line + "\n", encoding="utf-8")
    problems = [str(p) for _, r in read_csv_dir(tmp_path) if isinstance(r, list) for p in r]
    assert problems == []
