#!/usr/bin/env python3
"""Writes the workbook fixtures of fixtures/orders/erp/ (export.xlsx, export.ods) and of the
adversarial corpus from the rows below, with the standard library only (a workbook is a zip
of XML parts), so they can be made again without openpyxl or LibreOffice:

    python3 scripts/make-workbooks.py

Dates are written as Excel serial numbers with a date style (xlsx) or as ODS date cells, and
amounts as numbers, the way a spreadsheet holds them; a second order keeps its dates as text
cells in the ERP's own `14.01.2025` form, read through the map's date format. The first sheet
is a decoy (`Notes`), so the map's `sheet = "Orders"` is what finds the orders."""

import datetime
import os
import zipfile
from xml.sax.saxutils import escape

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "orders", "erp")

HEADERS = ["MANDT", "VBELN", "AUDAT", "LFDAT", "KUNNR_NAME", "STRAS", "PSTLZ", "ORT01", "LAND1",
           "BRSCH_TXT", "NACE", "ZZ_GRUENDUNG", "EU_NAME", "EU_ORT", "EU_LAND", "EU_BRANCHE",
           "WE_NAME", "WE_ORT", "WE_LAND", "ZIEL_ORT", "ZIEL_LAND", "ZLSCH_TXT", "ZBETRAG",
           "ZWAERS", "ZZ_ENDUSE", "ZZ_ENDUSE_OK", "ZZ_INLAND", "MATNR", "ARKTX", "STAWN",
           "KWMENG", "NETWR", "WAERK", "HERKL"]

D = datetime.date


class Error(str):
    """A cell holding a spreadsheet error (`#N/A`)."""


class Formula(str):
    """A cell holding a formula (without its `=`) and the value computed for it, or none when
    the workbook was saved without calculating (as a script or a converter may save it)."""

    def __new__(cls, formula, value=None):
        cell = super().__new__(cls, formula)
        cell.value = value
        return cell


def order(id_, dates):
    """One item row of the clean order (fixtures/adversarial/clean-order.jsonl) as the ERP
    exports it; `dates` is how the three date cells are held."""
    audat, lfdat, founded = dates
    return ["100", id_, audat, lfdat, "Weserland Fahrwerkteile GmbH", "Hafenstraße 12", "28217",
            "Bremen", "Germany", "manufacture of automotive chassis parts", "NACE 29.32", founded,
            "Weserland Fahrwerkteile GmbH", "Bremen", "Germany",
            "manufacture of automotive chassis parts", "Weserland Fahrwerkteile GmbH", "Bremen",
            "Germany", "Bremen", "Germany", "wire", 86500.0, "€",
            "Series production of brake brackets at our Bremen plant", "X", "X", "PD-BB-220",
            "Progressive stamping die set for brake brackets", "8207.30", 1, 86500.0, "€",
            "Germany"]


ROWS = [
    order("SO-1", (D(2025, 1, 14), D(2025, 3, 3), D(1987, 6, 1))),
    order("SO-2", ("14.01.2025", "03.03.2025", "01.06.1987")),
]
NOTES = [["Export of sales orders, client 100"], ["Generated for redflag's tests"]]


def col(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def serial(day):
    return (day - D(1899, 12, 30)).days


def xlsx_sheet(rows):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            ref = f"{col(c)}{r}"
            if isinstance(value, Error):
                out.append(f'<c r="{ref}" t="e"><v>{escape(value)}</v></c>')
            elif isinstance(value, Formula):
                computed = "" if value.value is None else f"<v>{escape(value.value)}</v>"
                out.append(f'<c r="{ref}" t="str"><f>{escape(value)}</f>{computed}</c>')
            elif isinstance(value, D):
                out.append(f'<c r="{ref}" s="1"><v>{serial(value)}</v></c>')
            elif isinstance(value, (int, float)):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path, sheets, hidden=()):
    """Writes the sheets in order; those named in `hidden` are hidden (`state="hidden"`)."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                             for i in range(1, len(names) + 1))
                   + "</Types>")
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{escape(n)}" sheetId="{i}"'
                             + (' state="hidden"' if n in hidden else "") + f' r:id="rId{i}"/>'
                             for i, n in enumerate(names, start=1))
                   + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(names) + 1))
                   + f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                   "</Relationships>")
        # Style 1 is the built-in date format 14 (`m/d/yyyy`): what makes a serial a date.
        z.writestr("xl/styles.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
                   '<borders count="1"><border/></borders>'
                   '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
                   '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
                   "</styleSheet>")
        for i, n in enumerate(names, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xlsx_sheet(sheets[n]))


def ods_cell(value):
    if isinstance(value, D):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.strftime('%d.%m.%Y')}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def write_ods(path, sheets):
    tables = "".join(
        f'<table:table table:name="{escape(n)}">'
        + "".join("<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>"
                  for row in rows)
        + "</table:table>"
        for n, rows in sheets.items())
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?>'
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>")
        z.writestr("content.xml", content)


def fixed_times(path):
    """Rewrites a zip with a fixed timestamp on every entry, so the bytes do not depend on
    the day the script ran."""
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            info.date_time = (2025, 1, 1, 0, 0, 0)
            z.writestr(info, data)


def adversarial(case):
    return os.path.join(ROOT, "fixtures", "adversarial", "orders", case, "export.xlsx")


def main():
    sheets = {"Notes": NOTES, "Orders": [HEADERS] + ROWS}
    error_cell = order("SO-1", ROWS[0][2:3] + ROWS[0][3:4] + ROWS[0][11:12])
    error_cell[HEADERS.index("NETWR")] = Error("#N/A")
    # SO-1 with its end user in North Korea, and SO-1 with a formula for its payment method.
    embargoed = order("SO-1", ROWS[0][2:3] + ROWS[0][3:4] + ROWS[0][11:12])
    embargoed[HEADERS.index("EU_LAND")] = "North Korea"
    uncalculated = order("SO-1", ROWS[0][2:3] + ROWS[0][3:4] + ROWS[0][11:12])
    uncalculated[HEADERS.index("ZLSCH_TXT")] = Formula('"ca"&"sh"')
    calculated = order("SO-2", ROWS[0][2:3] + ROWS[0][3:4] + ROWS[0][11:12])
    calculated[HEADERS.index("ZLSCH_TXT")] = Formula('"wi"&"re"', "wire")
    hide_orders = lambda path, book: write_xlsx(path, book, hidden={"Orders"})
    hide_template = lambda path, book: write_xlsx(path, book, hidden={"Template"})
    books = [
        (os.path.join(OUT, "export.xlsx"), write_xlsx, sheets),
        (os.path.join(OUT, "export.ods"), write_ods, sheets),
        # The orders on a sheet named otherwise than the map says.
        (adversarial("erp-workbook-missing-sheet"), write_xlsx, {"Sheet1": [HEADERS] + ROWS[:1]}),
        # A formula whose lookup failed: the item value is `#N/A`, not an amount.
        (adversarial("erp-workbook-error-cell"), write_xlsx, {"Orders": [HEADERS, error_cell]}),
        # No sheet chosen: a clean order on the first sheet, the embargoed one on the second.
        (adversarial("erp-workbook-orders-on-two-sheets"), write_xlsx,
         {"Orders": [HEADERS] + ROWS[1:2], "Orders (2)": [HEADERS, embargoed]}),
        # No sheet chosen: the first sheet is empty, the orders are on the second.
        (adversarial("erp-workbook-empty-first-sheet"), write_xlsx,
         {"Sheet1": [], "Orders": [HEADERS, embargoed]}),
        # No sheet chosen: a hidden first sheet holds a clean template order, the visible one
        # the embargoed order.
        (adversarial("erp-workbook-hidden-first-sheet"), hide_template,
         {"Template": [HEADERS] + ROWS[1:2], "Orders": [HEADERS, embargoed]}),
        # No sheet chosen: the only visible sheet is empty, the orders are on a hidden one.
        (adversarial("erp-workbook-orders-only-on-a-hidden-sheet"), hide_orders,
         {"Sheet1": [], "Orders": [HEADERS, embargoed]}),
        # `="ca"&"sh"` saved without its value beside `="wi"&"re"` saved with it.
        (adversarial("erp-workbook-formula-without-value"), write_xlsx,
         {"Orders": [HEADERS, uncalculated, calculated]}),
    ]
    for path, write, book in books:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write(path, book)
        fixed_times(path)
        print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
