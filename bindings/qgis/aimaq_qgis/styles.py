"""Ready styles: LISA clusters and local G spots as categories, map classes
as graduated ranges. Colours follow GeoDa's LISA map (High-High red,
Low-Low blue, Low-High light blue, High-Low light red, not significant
grey)."""
from qgis.core import (QgsCategorizedSymbolRenderer, QgsClassificationRange,
                       QgsGradientColorRamp, QgsGraduatedSymbolRenderer, QgsRendererCategory,
                       QgsRendererRange, QgsSymbol, QgsWkbTypes)
from qgis.PyQt.QtGui import QColor

from .i18n import tr

LISA_COLOURS = [("High-High", "#d7191c"), ("Low-Low", "#2c7bb6"), ("Low-High", "#abd9e9"),
                ("High-Low", "#fdae61"), ("ns", "#d9d9d9"), ("island", "#ffffff")]
G_COLOURS = [("hot", "#d7191c"), ("cold", "#2c7bb6"), ("ns", "#d9d9d9"),
             ("island", "#ffffff")]


def _symbol(geom_type, colour):
    s = QgsSymbol.defaultSymbol(geom_type)
    s.setColor(QColor(colour))
    if geom_type == QgsWkbTypes.PolygonGeometry:
        s.symbolLayer(0).setStrokeColor(QColor("#636363"))
        s.symbolLayer(0).setStrokeWidth(0.2)
    return s


def categories(field, colours, geom_type=QgsWkbTypes.PolygonGeometry):
    cats = [QgsRendererCategory(v, _symbol(geom_type, c), tr(v)) for v, c in colours]
    return QgsCategorizedSymbolRenderer(field, cats)


def lisa_renderer(field="cluster", geom_type=QgsWkbTypes.PolygonGeometry):
    return categories(field, LISA_COLOURS, geom_type)


def g_renderer(field="cluster", geom_type=QgsWkbTypes.PolygonGeometry):
    return categories(field, G_COLOURS, geom_type)


def graduated_renderer(field, lower, bins, geom_type=QgsWkbTypes.PolygonGeometry):
    """Ranges (lower, bins[0]], (bins[0], bins[1]], ... as the library's
    classes (a value belongs to the first class whose upper bound holds
    it), coloured along a yellow-to-red ramp."""
    ramp = QgsGradientColorRamp(QColor("#ffffb2"), QColor("#bd0026"))
    ranges = []
    lo = lower
    k = len(bins)
    for i, hi in enumerate(bins):
        colour = ramp.color(i / (k - 1) if k > 1 else 0.0)
        ranges.append(QgsRendererRange(QgsClassificationRange(f"{lo:.6g} - {hi:.6g}", lo, hi),
                                       _symbol(geom_type, colour.name())))
        lo = hi
    r = QgsGraduatedSymbolRenderer(field, ranges)
    r.setSourceColorRamp(ramp)
    return r
