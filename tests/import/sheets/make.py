"""Writes the small hand-made workbooks the import tests read (python3 make.py; the .xls needs
the xlwt package). The values are made up for the tests; they are no real data.

regions.xlsx: a title row, then a header whose first two cells are merged down from the title
row's (a merged header), a number, numbers stored as text, a year cell formatted as a date and
a value formatted as a percentage. bad-cell.xlsx: the same with text where a number must be and
a year typed as a number and formatted as a date. regions.ods and regions.xls: the same rows as
regions.xlsx in the other two formats (plain cells: those formats say less about formatting).
endes-bad.xlsx: a sheet in the layout of ENDES department series with a decimal comma in a cell
stored as text.
"""

import os
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))


def col(n):
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(path, sheets):
    """sheets: [(name, rows, merges)]; a cell is None, a str, a number, or (value, style) with
    style 1 = date, 2 = percentage, 's' = a number stored as text."""
    z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(len(sheets))
    )
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + overrides + "</Types>")
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheet_list = "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (name, _, _) in enumerate(sheets))
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' + sheet_list + "</sheets></workbook>")
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
    rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rels + "</Relationships>")
    z.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>')
    for i, (name, rows, merges) in enumerate(sheets):
        xml = []
        for r, row in enumerate(rows):
            cells = []
            for c, v in enumerate(row):
                ref = f"{col(c)}{r + 1}"
                style = 0
                if isinstance(v, tuple):
                    v, style = v
                if v is None:
                    continue
                if style == "s" or isinstance(v, str):
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
                else:
                    s = f' s="{style}"' if style else ""
                    cells.append(f'<c r="{ref}"{s}><v>{v}</v></c>')
            xml.append(f'<row r="{r + 1}">' + "".join(cells) + "</row>")
        merge = ""
        if merges:
            merge = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
        z.writestr(f"xl/worksheets/sheet{i + 1}.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join(xml) + "</sheetData>" + merge + "</worksheet>")
    z.close()


def ods(path, sheets):
    z = zipfile.ZipFile(path, "w")
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    tables = []
    for name, rows, _ in sheets:
        trs = []
        for row in rows:
            tds = []
            for v in row:
                if isinstance(v, tuple):
                    v, style = v
                    if style == 1:
                        tds.append(f'<table:table-cell office:value-type="date" office:date-value="{v}"><text:p>{v}</text:p></table:table-cell>')
                        continue
                if v is None:
                    tds.append("<table:table-cell/>")
                elif isinstance(v, str):
                    tds.append(f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>')
                else:
                    tds.append(f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>')
            trs.append("<table:table-row>" + "".join(tds) + "</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">' + "".join(trs) + "</table:table>")
    z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>' + "".join(tables) + "</office:spreadsheet></office:body></office:document-content>", zipfile.ZIP_DEFLATED)
    z.close()


def xls(path, sheets):
    import datetime
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for name, rows, _ in sheets:
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, tuple):
                    v, style = v
                    if style == 1:
                        sheet.write(r, c, datetime.datetime.strptime(v, "%Y-%m-%d"), date)
                        continue
                if v is not None:
                    sheet.write(r, c, v)
    book.save(path)


NOTES = ("Notes", [["Made-up values for salud's import tests."]], [])
TITLE = "Child anaemia by department (made up)"

# Row 2 is the header; A2 and B2 are covered by A1:A2 and B1:B2, merged down from row 1.
good = [
    ["Department", "Year", TITLE],
    [None, None, "Anaemia (%)"],
    ["Huánuco", 2011, 53.3],
    ["JUNIN", ("2012", "s"), ("48.5", "s")],
    ["Apurímac", (41640, 1), (0.45, 2)],
]
xlsx(os.path.join(HERE, "regions.xlsx"), [NOTES, ("Data", good, ["A1:A2", "B1:B2"])])

bad = [
    ["Department", "Year", TITLE],
    [None, None, "Anaemia (%)"],
    ["Huánuco", 2011, 53.3],
    ["JUNIN", 2012, "not yet"],
    ["Apurímac", (2014, 1), 45],
]
xlsx(os.path.join(HERE, "bad-cell.xlsx"), [NOTES, ("Data", bad, ["A1:A2", "B1:B2"])])

plain = [
    [None, None, TITLE],
    ["Department", "Year", "Anaemia (%)"],
    ["Huánuco", 2011, 53.3],
    ["JUNIN", "2012", "48.5"],
    ["Apurímac", ("2014-01-01", 1), 45],
]
ods(os.path.join(HERE, "regions.ods"), [NOTES, ("Data", plain, [])])
xls(os.path.join(HERE, "regions.xls"), [NOTES, ("Data", plain, [])])

ENDES = ["año", "ambito", "region_codigo", "region_nombre", "area", "n_obs_rech6", "n_ninos_de_facto",
         "n_anemia_comparable", "anemia_6_35_comparable_pct", "n_anemia_nueva", "anemia_6_35_nueva_pct",
         "n_dci", "dci_menores5_pct", "dci_severa_menores5_pct"]
endes = [ENDES, [2011, "Regional", 10, "Huánuco", "Total", 500, 400, 150, 53.3, None, None, 350, "33,0", 10.1]]
xlsx(os.path.join(HERE, "endes-bad.xlsx"), [NOTES, ("Base_series", endes, [])])
