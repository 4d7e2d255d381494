#!/usr/bin/env python3
"""make_xlsx.py -- writes the small spreadsheets of tests/data/bns/ and
tests/data/bad/ laid out as BNS publishes its tables (title rows, a header
further down, footnotes). Standard library only: an XLSX is a zip of XML.
Run from the repository root: python3 tests/data/bns/make_xlsx.py"""
import zipfile
from xml.sax.saxutils import escape

def col(j):
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s

def write(path, rows, sheet="Лист1"):
    data = []
    for i, row in enumerate(rows, 1):
        cells = []
        for j, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{col(j)}{i}"
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>')
        data.append(f'<row r="{i}">{"".join(cells)}</row>')
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{"".join(data)}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text)

# Districts under their region's row, a name from before the 2018 reform,
# a two-row header (year over quarter, the year in the merge's first cell).
write("tests/data/bns/districts.xlsx", [
    ["Численность населения1)"],
    [None, None, None, None, "человек"],
    [None, "2017", None, "2018", None],
    ["Наименование", "I квартал", "год", "I квартал", "год"],
    ["Туркестанская2)", 100, 110, 120, 130],
    ["Акмолинская область"],
    ["Аршалынский район", 11, 12, 13, 14],
    ["Аккольский район*", 21, 22, 23, 24],
    [],
    ["1) оценка."],
    ["2) до 2018 года - Южно-Казахстанская область."],
])
# tests/data/bad/: a table without a header row below its title, and one
# with footnote rows.
write("tests/data/bad/title_no_header.xlsx", [
    ["Валовой региональный продукт"],
    [],
    ["Акмолинская", 641.4, 712.1],
    ["Актюбинская", 1231.1, 1122.9],
])
write("tests/data/bad/footnote_rows.xlsx", [
    ["Валовой региональный продукт на душу населения1)"],
    [None, None, "тыс. тенге"],
    [None, "2008 жыл", "2009 жыл"],
    ["Ақмола облысы", 641.4, 712.1],
    ["Ақтөбе облысы2)", 1231.1, 1122.9],
    [],
    ["1) 2008 жылдан бастап."],
    ["2) түзетілген деректер."],
])
