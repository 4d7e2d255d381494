# make_bombs.py DIR -- writes the spreadsheet bombs of the tests into DIR
# (tests/cli/read_guard.sh, tests/cli/serve.sh), with nothing but python3's
# zipfile, in a fraction of a second:
#   bomb.xlsx   300,000 identical rows of two cells (600,002 cells, some
#               12 MB of XML) in a 30 kB file
#   small.xlsx  the same workbook with 10 rows, which every bound allows
#   bomb.ods    one row of 3 cells repeated 10,000,000 times, under 1 kB
#               (30,000,000 cells: past the library's default 16,777,216
#               and the server's 4,194,304)
# and the workbooks that try the scanner of src/sheet_guard.c:
#   comment.xlsx  a far cell (XFD1048576) inside an XML comment and inside
#                 CDATA text: no cell, the sheet spans 2 x 2
#   gt_attr.xlsx  a '>' inside an attribute value, then a cell at XFD100:
#                 100 x 16,384 cells, the tag is not cut at the '>'
#   doctype.xlsx  a DOCTYPE with an entity in xl/workbook.xml
#   outside.xlsx  a sheet whose relationship target is ../../../../etc/passwd
import sys, zipfile
d = sys.argv[1]
def xlsx(path, rows, book_extra='', target='worksheets/sheet1.xml'):
    z = zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED)
    z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr('xl/workbook.xml', '<?xml version="1.0"?>' + book_extra + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="' + target + '"/></Relationships>')
    z.writestr('xl/worksheets/sheet1.xml', '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + '</sheetData></worksheet>')
    z.close()
head = '<row><c t="inlineStr"><is><t>code</t></is></c><c t="inlineStr"><is><t>value</t></is></c></row>'
xlsx(d + '/bomb.xlsx', head + '<row><c><v>1</v></c><c><v>2</v></c></row>' * 300000)
two = '<row r="2"><c r="A2" t="inlineStr"><is><t>100000000</t></is></c><c r="B2"><v>2</v></c></row>'
xlsx(d + '/comment.xlsx', '<!-- <row r="1048576"><c r="XFD1048576"><v>1</v></c></row> -->' + head +
     '<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[<c r="XFD9">]]></t></is></c><c r="B2"><v>2</v></c></row>')
xlsx(d + '/gt_attr.xlsx', '<row r="1"><c r="A1" t="inlineStr" x="a>b"><is><t>code</t></is></c></row>'
     '<row r="100"><c r="XFD100"><v>1</v></c></row>')
xlsx(d + '/doctype.xlsx', head + two, book_extra='<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">]>')
xlsx(d + '/outside.xlsx', head + two, target='../../../../etc/passwd')
xlsx(d + '/small.xlsx', head + '<row><c t="inlineStr"><is><t>100000000</t></is></c><c><v>2</v></c></row>' * 10)
z = zipfile.ZipFile(d + '/bomb.ods', 'w', zipfile.ZIP_DEFLATED)
z.writestr(zipfile.ZipInfo('mimetype'), 'application/vnd.oasis.opendocument.spreadsheet')
z.writestr('content.xml', '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="data">'
           '<table:table-row><table:table-cell office:value-type="string"><text:p>code</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>v</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>w</text:p></table:table-cell></table:table-row>'
           '<table:table-row table:number-rows-repeated="10000000"><table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
           '</table:table></office:spreadsheet></office:body></office:document-content>')
z.close()
