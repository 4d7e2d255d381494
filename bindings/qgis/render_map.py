"""Renders a vector layer with its style (the .qml the aimaq provider saves
beside its output, or one given) to a PNG, headless, with a legend of the
style's categories or ranges: how docs/img/qgis_lisa.png is made.

    QT_QPA_PLATFORM=offscreen python3 bindings/qgis/render_map.py \\
        LAYER OUT.png [--style STYLE.qml] [--title TEXT] [--width PX]
"""
import argparse
import os
import sys

from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter


def legend_items(layer):
    r = layer.renderer()
    items = []
    if hasattr(r, "categories"):
        for c in r.categories():
            items.append((c.label(), c.symbol().color()))
    elif hasattr(r, "ranges"):
        for g in r.ranges():
            items.append((g.label(), g.symbol().color()))
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("layer")
    ap.add_argument("out")
    ap.add_argument("--style")
    ap.add_argument("--title", default="")
    ap.add_argument("--width", type=int, default=900)
    a = ap.parse_args()
    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorLayer(a.layer, os.path.basename(a.layer), "ogr")
    if not layer.isValid():
        sys.exit(f"render_map: cannot open {a.layer}")
    style = a.style or os.path.splitext(a.layer.split("|")[0])[0] + ".qml"
    if os.path.exists(style):
        msg, ok = layer.loadNamedStyle(style)
        if not ok:
            sys.exit(f"render_map: {style}: {msg}")
    ext = layer.extent()
    ext.scale(1.05)
    legend_w = 260
    map_w = a.width - legend_w
    map_h = int(map_w * ext.height() / ext.width()) if ext.width() else map_w
    s = QgsMapSettings()
    s.setLayers([layer])
    s.setDestinationCrs(layer.crs())
    s.setBackgroundColor(QColor("white"))
    s.setOutputSize(QSize(map_w, map_h))
    s.setExtent(ext)
    job = QgsMapRendererParallelJob(s)
    job.start()
    job.waitForFinished()
    img = QImage(a.width, max(map_h, 200), QImage.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.drawImage(0, 0, job.renderedImage())
    p.setRenderHint(QPainter.Antialiasing)
    f = QFont("DejaVu Sans")
    f.setPixelSize(16)
    f.setBold(True)
    p.setFont(f)
    x, y = map_w + 10, 30
    if a.title:
        p.drawText(QRectF(x, y - 20, legend_w - 20, 60), Qt.TextWordWrap, a.title)
        y += 50
    f.setBold(False)
    f.setPixelSize(14)
    p.setFont(f)
    for label, colour in legend_items(layer):
        p.setPen(QColor("#636363"))
        p.setBrush(colour)
        p.drawRect(x, y, 22, 16)
        p.setPen(QColor("black"))
        p.drawText(x + 30, y + 13, label)
        y += 26
    p.end()
    if not img.save(a.out):
        sys.exit(f"render_map: cannot write {a.out}")
    app.exitQgis()


if __name__ == "__main__":
    main()
