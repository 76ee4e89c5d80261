#!/usr/bin/env python3
"""Generate tests/fixtures/pdf/synthetic-layout.pdf: a small hand-built PDF with the layout
problems real plan PDFs have and the LibreOffice fixtures lack: a running header on every page,
`第 N 页 共 M 页` and `— N —` footers, a spaced-out justified line (`苏 州 市`), a number split
across lines (`1` / `00%`), a paragraph continuing over a page break, and a ruled indicator table
continued on the next page (header row repeated, one row split by the page break).
Text uses a non-embedded Type0 font (Identity-H + ToUnicode), so pdf.js extracts it exactly.
Usage: python3 scripts/make-synthetic-pdf.py OUT.pdf"""
import sys

FS = 12.0
LEFT, RIGHT = 72.0, 523.0  # body: 451pt = 37.6 chars of 12pt


def txt(x, y, s, fs=FS):
    hexs = ''.join('%04X' % ord(c) for c in s)
    return f'BT /F1 {fs:.1f} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm <{hexs}> Tj ET\n'


def spaced(x, y, s, width, fs=FS):
    """justified line: characters spread evenly over `width` (each its own text run)."""
    out = ''
    step = (width - fs) / (len(s) - 1)
    for i, c in enumerate(s):
        out += txt(x + i * step, y, c, fs)
    return out


def hline(x0, x1, y):
    return f'{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l S\n'


def vline(x, y0, y1):
    return f'{x:.2f} {y0:.2f} m {x:.2f} {y1:.2f} l S\n'


def table(rows, top, cols, rowh):
    """rows: list of (cells, nlines); cells are lists of lines; returns (content, bottom)."""
    out = '0.5 w\n'
    y = top
    ys = [y]
    for cells, n in rows:
        h = rowh * n
        for ci, lines in enumerate(cells):
            for li, line in enumerate(lines):
                out += txt(cols[ci] + 4, y - 14 - li * rowh, line, 10.5)
        y -= h
        ys.append(y)
    for yy in ys:
        out += hline(cols[0], cols[-1], yy)
    for x in cols:
        out += vline(x, ys[-1], ys[0])
    return out, ys[-1]


pages = []
N = 3
header = lambda: txt(200, 800, '某某市人民政府办公室文件', 9)
footer = lambda i: txt(260, 40, f'第 {i} 页 共 {N} 页', 9)

# page 1
c = header()
y = 740
c += txt(LEFT + 80, y, '某某市儿童发展规划（2021—2025年）', 16); y -= 36
c += txt(LEFT, y, '一、发展现状'); y -= 22
body = '全市儿童健康水平显著提升，出生人口素质持续提高，新生儿疾病筛查率达到1'
c += txt(LEFT + 2 * FS, y, body); y -= 22
c += txt(LEFT, y, '00%，孕产妇系统管理率保持在较高水平。'); y -= 22
assert len(body) == 35
c += spaced(LEFT, y, '苏州市儿童发展规划确定的目标', RIGHT - LEFT); y -= 22
c += txt(LEFT, y, '基本实现。'); y -= 22
c += txt(LEFT + 2 * FS, y, '（一）主要目标'); y -= 22
c += txt(LEFT + 2 * FS, y, '1.新生儿死亡率控制在3‰以下。'); y -= 22
c += txt(LEFT + 2 * FS, y, '2.婴儿死亡率控制在5‰以下。（责任单位：市卫健委）'); y -= 22
# paragraph running over the page break: full lines to the margin
long1 = '到2025年，全市儿童发展的主要目标全面实现，儿童优先原则'
c += txt(LEFT + 2 * FS, y, long1[:36]); y -= 22
c += txt(LEFT, y, ('得到全面贯彻，儿童健康、教育、福利、家庭、环境、法律保护等')[:37]); y -= 22
c += footer(1)
pages.append(c)

# page 2: paragraph continues, then the table starts
c = header()
y = 760
c += txt(LEFT, y, '领域的权利进一步实现。'); y -= 30
c += txt(270, y, '主要指标', 12); y -= 12
cols = [LEFT, LEFT + 40, LEFT + 260, LEFT + 340, RIGHT]
head = ([['序号'], ['指标'], ['2020年'], ['2025年目标']], 1)
rows = [
    ([['1'], ['新生儿死亡率（‰）'], ['1.72'], ['≤3']], 1),
    ([['2'], ['婴儿死亡率（‰）'], ['2.8'], ['≤4']], 1),
    ([['3'], ['0-6岁儿童眼保健和视力检查', '覆盖率（%）'], ['-'], ['≥98']], 2),
]
t, bottom = table([head] + rows, y, cols, 18)
c += t
# row 4's first half at the bottom of page 2
t2, _ = table([([['4'], ['每千名儿童拥有儿科执业'], ['0.8'], ['1.0']], 1)], bottom, cols, 18)
c += t2
c += txt(300, 40, '— 2 —', 9)
pages.append(c)

# page 3: header row repeated, row 4 continued (empty 序号 cell), more rows, then text
c = header()
y = 760
t3, bottom = table([
    head,
    ([[''], ['（助理）医师数（人）'], [''], ['']], 1),
    ([['5'], ['普惠性幼儿园覆盖率（%）'], ['96.95'], ['90']], 1),
], y, cols, 18)
c += t3
y = bottom - 30
c += txt(LEFT, y, '二、指导思想'); y -= 22
c += txt(LEFT + 2 * FS, y, '坚持儿童优先发展。'); y -= 22
c += txt(LEFT, y, '牵头单位：市妇儿工委办'); y -= 22
c += footer(3)
pages.append(c)

objs = {}
objs[1] = '<< /Type /Catalog /Pages 2 0 R >>'
kids = ' '.join(f'{10 + 2 * i} 0 R' for i in range(N))
objs[2] = f'<< /Type /Pages /Kids [{kids}] /Count {N} >>'
tounicode = ('/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Uni def '
             '1 begincodespacerange <0000> <FFFF> endcodespacerange '
             '1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap '
             'CMapName currentdict /CMap defineresource pop end end')
objs[3] = ('<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H '
           '/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>')
objs[4] = ('<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun '
           '/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> '
           '/FontDescriptor 6 0 R /DW 1000 /W [48 57 500 37 37 500 45 46 500 8240 8240 1000] /CIDToGIDMap /Identity >>')
objs[5] = ('stream', tounicode)
objs[6] = ('<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] '
           '/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>')
for i, content in enumerate(pages):
    objs[10 + 2 * i] = (f'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
                        f'/Resources << /Font << /F1 3 0 R >> >> /Contents {11 + 2 * i} 0 R >>')
    objs[11 + 2 * i] = ('stream', content)

out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
offsets = {}
for k in sorted(objs):
    offsets[k] = len(out)
    v = objs[k]
    if isinstance(v, tuple):
        data = v[1].encode('latin1')
        out += f'{k} 0 obj\n<< /Length {len(data)} >>\nstream\n'.encode() + data + b'\nendstream\nendobj\n'
    else:
        out += f'{k} 0 obj\n{v}\nendobj\n'.encode()
size = max(objs) + 1
xref = len(out)
out += f'xref\n0 {size}\n0000000000 65535 f \n'.encode()
for k in range(1, size):
    out += (f'{offsets[k]:010d} 00000 n \n' if k in offsets else '0000000000 65535 f \n').encode()
out += f'trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n'.encode()
open(sys.argv[1] if len(sys.argv) > 1 else 'synthetic-layout.pdf', 'wb').write(out)
