"""What every algorithm shares: QGIS features to the aimaq package's inputs,
its progress to QgsProcessingFeedback, and results back to features."""
import contextlib
import math

from qgis.core import (QgsFeature, QgsFeatureRequest, QgsField, QgsFields,
                       QgsProcessingException)
from qgis.PyQt.QtCore import QVariant

from .i18n import tr


def aimaq():
    """The aimaq package, or a processing error saying how to get it."""
    try:
        import aimaq as aq
    except Exception as e:  # ImportError, or the library not found (OSError)
        raise QgsProcessingException(
            f"aimaq: cannot import the aimaq Python package ({e}); put bindings/python on "
            "PYTHONPATH and point AIMAQ_LIBRARY at libaimaq.so (docs/qgis.md)")
    return aq


def features(layer):
    """The layer's features in its own order (the order the CLI reads a
    file in), so unit i is the same unit in both."""
    return list(layer.getFeatures(QgsFeatureRequest()))


def values(feats, field, what):
    """Field FIELD of each feature as floats; a NULL or text is an error
    naming the feature, as the CLI names the row."""
    out = []
    if feats and feats[0].fields().indexOf(field) < 0:
        raise QgsProcessingException(
            f"aimaq: {what} field '{field}': the layer has no such field; its fields are "
            + ", ".join(feats[0].fields().names()))
    for f in feats:
        v = f[field]
        try:
            if v is None or (hasattr(v, "isNull") and v.isNull()):
                raise ValueError
            x = float(v)
        except (TypeError, ValueError):
            raise QgsProcessingException(
                f"aimaq: {what} field '{field}', feature {f.id()}: expected a number, "
                f"got {v!r}")
        out.append(x)
    return out


def texts(feats, field):
    return [str(f[field]) for f in feats]


def wkb(feats):
    out = []
    for f in feats:
        g = f.geometry()
        if g is None or g.isEmpty():
            raise QgsProcessingException(f"aimaq: feature {f.id()} has no geometry")
        out.append(bytes(g.asWkb()))
    return out


WEIGHTS = ("queen", "rook", "file")


def weights(aq, kind, path, feats, id_field, style):
    """Weights of the features: queen or rook contiguity of their
    geometries (ids from ID_FIELD when given), or a GAL/GWT file aligned
    to ID_FIELD (by position without one), as `aimaq --weights` does."""
    ids = texts(feats, id_field) if id_field else None
    try:
        if WEIGHTS[kind] == "file":
            if not path:
                raise QgsProcessingException("aimaq: Weights is 'file' but no weights file given")
            w = aq.Weights.read(path)
            if ids is not None:
                w = w.align(ids)
            elif w.n != len(feats):
                raise QgsProcessingException(
                    f"aimaq: {path}: {w.n} units, the layer has {len(feats)} features "
                    "(choose the ID field to align them)")
        else:
            w = (aq.Weights.rook if WEIGHTS[kind] == "rook" else aq.Weights.queen)(
                wkb(feats), ids=ids)
        w.style = style
    except aq.Error as e:
        raise QgsProcessingException(f"aimaq: {e}")
    return w


@contextlib.contextmanager
def progress(aq, feedback):
    """The library's progress (DONE of TOTAL) to the feedback's bar. The
    library cannot be stopped mid-call, so cancellation is checked between
    steps (check_cancel)."""
    def fn(what, done, total):
        if total:
            feedback.setProgress(100.0 * done / total)
    # The library's warnings (units left out, settlements that reach no
    # centre...) go to the log as warnings, not to stderr.
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", aq.AimaqWarning)
        try:
            with aq.progress(fn):
                yield
        finally:
            for w in caught:
                (feedback.pushWarning if hasattr(feedback, "pushWarning") else
                 feedback.reportError)(f"aimaq: {w.message}")


def check_cancel(feedback):
    if feedback.isCanceled():
        raise QgsProcessingException(tr("cancelled"))


def qfield(name, v):
    if isinstance(v, bool):
        return QgsField(name, QVariant.Bool)
    if isinstance(v, int):
        return QgsField(name, QVariant.LongLong)
    if isinstance(v, float):
        return QgsField(name, QVariant.Double)
    return QgsField(name, QVariant.String)


def plain(v):
    """numpy scalars and NaN to what a QgsFeature attribute holds."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def joined_fields(layer, extra):
    """The layer's fields, without any named as one of EXTRA (name, QVariant
    type), then EXTRA: a rerun on its own output replaces the old results."""
    names = {n for n, _ in extra}
    fs = QgsFields()
    keep = []
    for i, f in enumerate(layer.fields()):
        if f.name() not in names:
            fs.append(f)
            keep.append(i)
    for n, t in extra:
        fs.append(QgsField(n, t))
    return fs, keep


def write_joined(sink, feats, keep, fields, columns, feedback):
    """Each feature with its kept attributes plus COLUMNS (lists, one value
    per feature) added to SINK."""
    n = len(feats)
    for i, f in enumerate(feats):
        out = QgsFeature(fields)
        out.setGeometry(f.geometry())
        attrs = f.attributes()
        out.setAttributes([attrs[j] for j in keep] + [plain(c[i]) for c in columns])
        sink.addFeature(out)
        if n:
            feedback.setProgress(100.0 * (i + 1) / n)


def sidecar_style(context, dest_id, renderer):
    """Saves RENDERER as DEST's .qml next to a file output (QGIS loads a
    layer's same-named .qml as its default style, also headless), and
    sets it on the layer when the desktop loads it."""
    from qgis.core import QgsProcessingUtils, QgsVectorLayer
    lyr = QgsProcessingUtils.mapLayerFromString(dest_id, context)
    if isinstance(lyr, QgsVectorLayer):
        lyr.setRenderer(renderer.clone())
        src = lyr.source().split("|")[0]
        if src and "." in src and not src.startswith("memory"):
            lyr.saveNamedStyle(src.rsplit(".", 1)[0] + ".qml")
    if context.willLoadLayerOnCompletion(dest_id):
        details = context.layerToLoadOnCompletionDetails(dest_id)
        post = _Styler(renderer)
        _KEEP.append(post)  # QGIS does not take ownership of Python post-processors
        details.setPostProcessor(post)


_KEEP = []


def _styler_class():
    from qgis.core import QgsProcessingLayerPostProcessorInterface

    class Styler(QgsProcessingLayerPostProcessorInterface):
        def __init__(self, renderer):
            super().__init__()
            self.renderer = renderer

        def postProcessLayer(self, layer, context, feedback):  # noqa: N802
            layer.setRenderer(self.renderer.clone())
            layer.triggerRepaint()
    return Styler


def _Styler(renderer):  # noqa: N802
    return _styler_class()(renderer)
