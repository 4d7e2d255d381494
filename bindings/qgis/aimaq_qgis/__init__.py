"""aimaq for QGIS: a Processing provider ("aimaq") over the aimaq Python
package. classFactory is what QGIS calls; qgis_process calls it with no
interface and then initProcessing, so nothing here needs a GUI."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import AimaqPlugin
    return AimaqPlugin(iface)
