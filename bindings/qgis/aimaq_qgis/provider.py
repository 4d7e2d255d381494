"""The "aimaq" Processing provider: every algorithm of algorithms.py."""

from qgis.core import QgsProcessingProvider

from .algorithms import ALGORITHMS


class AimaqProvider(QgsProcessingProvider):
    def id(self):
        return "aimaq"

    def name(self):
        return "aimaq"

    def longName(self):  # noqa: N802
        return "aimaq regional analysis"

    def icon(self):
        from qgis.core import QgsApplication
        return QgsApplication.getThemeIcon("/processingAlgorithm.svg")

    def loadAlgorithms(self):  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
