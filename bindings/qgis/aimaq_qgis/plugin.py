"""The plugin object: registers the provider with the Processing registry."""
from qgis.core import QgsApplication


class AimaqPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802
        # Registered once: qgis_process calls initProcessing, the desktop
        # calls initGui, which calls it too.
        if self.provider is None:
            from .provider import AimaqProvider
            self.provider = AimaqProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
