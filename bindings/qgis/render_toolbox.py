"""Draws the Processing toolbox's aimaq group headless to a PNG: how
docs/img/qgis_toolbox.png is made (AIMAQ_QGIS_LANG=kk for the Kazakh one).

    QT_QPA_PLATFORM=offscreen python3 bindings/qgis/render_toolbox.py OUT.png
"""
import os
import sys

from qgis.core import QgsApplication
from qgis.gui import QgsProcessingToolboxTreeView
from qgis.PyQt.QtCore import QSize


def main():
    app = QgsApplication([], True)
    app.initQgis()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import aimaq_qgis
    plugin = aimaq_qgis.classFactory(None)
    plugin.initProcessing()
    v = QgsProcessingToolboxTreeView(None, QgsApplication.processingRegistry())
    v.setHeaderHidden(True)
    v.resize(QSize(560, 390))
    v.expandAll()
    v.show()
    app.processEvents()
    if not v.grab().save(sys.argv[1]):
        sys.exit(f"render_toolbox: cannot write {sys.argv[1]}")
    plugin.unload()
    app.exitQgis()


if __name__ == "__main__":
    main()
