#!/usr/bin/env python3
"""Generate tests/fixtures/docx/auto-numbering.docx: headings and items numbered by Word
automatic numbering (numbering.xml: 一、 / （一） / 1. / （1）, no literal numbers in the text),
a style-linked numbered heading, and a 2x3 table. Usage: python3 scripts/make-synthetic-docx.py OUT"""
import sys, zipfile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def p(text, num=None, lvl=0, style=None):
    ppr = ''
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr>'
    ppr = f'<w:pPr>{ppr}</w:pPr>' if ppr else ''
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tc(text):
    return f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>{p(text)}</w:tc>'


body = ''.join([
    p('某某县儿童发展规划'),
    p('总体要求', 1, 0),
    p('指导思想', 1, 1),
    p('坚持儿童优先。'),
    p('主要目标', 1, 1),
    p('新生儿死亡率控制在3‰以下。', 1, 2),
    p('婴儿死亡率控制在5‰以下。', 1, 2),
    p('开展出生缺陷筛查。', 1, 3),
    p('发展领域', None, 0, 'Heading1'),
    p('儿童与健康', 1, 1),
    p('已有编号的段落', 2, 0),
    p('一、文字里已有编号', 1, 0),
    '<w:tbl><w:tblPr><w:tblW w:w="6000" w:type="dxa"/></w:tblPr>'
    f'<w:tr>{tc("序号")}{tc("指标")}{tc("目标值")}</w:tr>'
    f'<w:tr>{tc("1")}{tc("婴儿死亡率（‰）")}{tc("≤5 &amp; 稳定")}</w:tr></w:tbl>',
    p('牵头单位：县卫健局'),
])
document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>'

lv = lambda i, fmt, text: (f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                           f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')
numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {W}>'
             '<w:abstractNum w:abstractNumId="0">'
             + lv(0, 'chineseCounting', '%1、') + lv(1, 'chineseCounting', '（%2）')
             + lv(2, 'decimal', '%3.') + lv(3, 'decimal', '（%4）') +
             '</w:abstractNum>'
             '<w:abstractNum w:abstractNumId="1">' + lv(0, 'none', '') + '</w:abstractNum>'
             '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
             '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
             '</w:numbering>')
styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}>'
          '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
          '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>')
content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
                 '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
                 '</Types>')
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')
doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '</Relationships>')
with zipfile.ZipFile(sys.argv[1] if len(sys.argv) > 1 else 'auto-numbering.docx', 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in [('[Content_Types].xml', content_types), ('_rels/.rels', rels),
                       ('word/_rels/document.xml.rels', doc_rels), ('word/document.xml', document),
                       ('word/numbering.xml', numbering), ('word/styles.xml', styles)]:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
