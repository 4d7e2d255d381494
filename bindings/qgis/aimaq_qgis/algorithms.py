"""The provider's algorithms. Each reads a QGIS layer and fields chosen from
it, calls the aimaq package (which calls libaimaq.so: no measure is
computed here), and writes layers, tables or files back."""

from qgis.core import (QgsFeature, QgsFeatureSink, QgsField, QgsFields,
                       QgsProcessing, QgsProcessingAlgorithm, QgsProcessingException,
                       QgsProcessingOutputNumber, QgsProcessingParameterBoolean,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSink,
                       QgsProcessingParameterField, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber, QgsProcessingParameterString,
                       QgsProcessingParameterVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QVariant

from . import common, styles
from .i18n import tr

ADJUST = ("none", "bonferroni", "fdr")
CLASS_METHODS = ("fisher-jenks", "quantile", "equal", "std-mean", "box", "head-tail", "kmeans")


class Base(QgsProcessingAlgorithm):
    NAME = ""
    GROUP = ""

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return tr(self.NAME)

    def group(self):
        return tr(self.GROUP)

    def groupId(self):  # noqa: N802
        return self.GROUP

    def shortHelpString(self):  # noqa: N802
        return (self.__doc__ or "").strip()

    # ---- shared parameters
    def add_layer(self, types=(QgsProcessing.TypeVectorAnyGeometry,)):
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", tr("input"), list(types)))

    def add_field(self, name="VALUE", label="value", optional=False, numeric=True):
        self.addParameter(QgsProcessingParameterField(
            name, tr(label), parentLayerParameterName="INPUT",
            type=(QgsProcessingParameterField.Numeric if numeric
                  else QgsProcessingParameterField.Any), optional=optional))

    def add_weights(self):
        self.addParameter(QgsProcessingParameterEnum(
            "WEIGHTS", tr("weights_kind"), [tr(w) for w in common.WEIGHTS], defaultValue=0))
        self.addParameter(QgsProcessingParameterFile(
            "WEIGHTS_FILE", tr("weights_file"), optional=True, fileFilter="GAL/GWT (*.gal *.gwt)"))
        self.add_field("ID", "id", optional=True, numeric=False)

    def add_inference(self, local=True):
        self.addParameter(QgsProcessingParameterNumber(
            "PERMUTATIONS", tr("permutations"), QgsProcessingParameterNumber.Integer, 999,
            minValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "SEED", tr("seed"), QgsProcessingParameterNumber.Integer, 12345, minValue=0))
        if local:
            self.addParameter(QgsProcessingParameterNumber(
                "ALPHA", tr("alpha"), QgsProcessingParameterNumber.Double, 0.05,
                minValue=0.0, maxValue=1.0))
            self.addParameter(QgsProcessingParameterEnum("ADJUST", tr("adjust"), list(ADJUST),
                                                         defaultValue=0))

    def read_weights(self, aq, p, ctx, layer, feats, style):
        return common.weights(aq, self.parameterAsEnum(p, "WEIGHTS", ctx),
                              self.parameterAsFile(p, "WEIGHTS_FILE", ctx), feats,
                              self.parameterAsString(p, "ID", ctx) or None, style)

    def inference(self, p, ctx, local=True):
        d = {"permutations": self.parameterAsInt(p, "PERMUTATIONS", ctx),
             "seed": self.parameterAsInt(p, "SEED", ctx)}
        if local:
            d["alpha"] = self.parameterAsDouble(p, "ALPHA", ctx)
            d["adjust"] = ADJUST[self.parameterAsEnum(p, "ADJUST", ctx)]
        return d


class _LocalBase(Base):
    GROUP = "group_spatial"
    RENDERER = staticmethod(styles.lisa_renderer)

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer([QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint])
        self.add_field()
        self.add_weights()
        self.add_inference()
        self.add_extra()
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", tr("output")))

    def add_extra(self):
        pass

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        value = self.parameterAsString(p, "VALUE", ctx)
        feats = common.features(layer)
        y = common.values(feats, value, "value")
        common.check_cancel(feedback)
        w = self.read_weights(aq, p, ctx, layer, feats, self.STYLE)
        common.check_cancel(feedback)
        try:
            with common.progress(aq, feedback):
                names, cols = self.compute(aq, p, ctx, y, w)
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        common.check_cancel(feedback)
        extra = [(n, QVariant.String if n == "cluster" else
                  QVariant.Int if n == "quadrant" else QVariant.Double) for n in names]
        fields, keep = common.joined_fields(layer, extra)
        sink, dest = self.parameterAsSink(p, "OUTPUT", ctx, fields, layer.wkbType(),
                                          layer.sourceCrs())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(p, "OUTPUT"))
        common.write_joined(sink, feats, keep, fields, cols, feedback)
        del sink  # flushes a file output before its style is saved beside it
        common.sidecar_style(ctx, dest, self.RENDERER(
            "cluster", QgsWkbTypes.geometryType(layer.wkbType())))
        return {"OUTPUT": dest}


class Lisa(_LocalBase):
    """Local Moran's I (LISA) of a field, with conditional permutation
    inference, as `aimaq lisa`: adds lag, Ii, EIi, VIi, z, z_sim, p_sim,
    quadrant and cluster (High-High, Low-Low, Low-High, High-Low, ns,
    island), styled by cluster (High-High red, Low-Low blue). Weights are
    row-standardised."""
    NAME = "lisa"
    STYLE = "W"

    def compute(self, aq, p, ctx, y, w):
        r = aq.lisa(y, w, **self.inference(p, ctx))
        q = [int(v) if v else None for v in r.quadrant]
        return (["lag", "Ii", "EIi", "VIi", "z", "z_sim", "p_sim", "quadrant", "cluster"],
                [r.lag, r.stat, r.expect, r.var, r.z, r.z_sim, r.p_sim, q, list(r.cluster)])


class LocalG(_LocalBase):
    """Local Getis-Ord Gi (Gi* when asked) as `aimaq local-g`, on binary
    weights: adds lag, Gi (or Gi_star), its expectation and variance, z,
    z_sim, p_sim and cluster (hot, cold, ns), styled hot red, cold blue."""
    NAME = "local_g"
    STYLE = "B"
    RENDERER = staticmethod(styles.g_renderer)

    def add_extra(self):
        self.addParameter(QgsProcessingParameterBoolean("STAR", tr("star"), False))

    def compute(self, aq, p, ctx, y, w):
        star = self.parameterAsBool(p, "STAR", ctx)
        r = aq.local_g(y, w, star=star, **self.inference(p, ctx))
        g = ["Gi_star", "EGi_star", "VGi_star"] if star else ["Gi", "EGi", "VGi"]
        return (["lag"] + g + ["z", "z_sim", "p_sim", "cluster"],
                [r.lag, r.stat, r.expect, r.var, r.z, r.z_sim, r.p_sim, list(r.cluster)])


MORAN_KEYS = ("I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand",
              "EI_sim", "seI_sim", "z_sim", "p_sim")


class Moran(Base):
    """Global Moran's I of a field on row-standardised weights, as `aimaq
    moran`: I, its expectation, normal and randomisation inference and the
    permutation pseudo p value, as outputs and, optionally, a table."""
    NAME = "moran"
    GROUP = "group_spatial"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer([QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint])
        self.add_field()
        self.add_weights()
        self.add_inference(local=False)
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", tr("output_table"), QgsProcessing.TypeVector, optional=True,
            createByDefault=False))
        for k in MORAN_KEYS:
            self.addOutput(QgsProcessingOutputNumber(k, k))

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        feats = common.features(layer)
        y = common.values(feats, self.parameterAsString(p, "VALUE", ctx), "value")
        w = self.read_weights(aq, p, ctx, layer, feats, "W")
        common.check_cancel(feedback)
        try:
            with common.progress(aq, feedback):
                r = aq.moran(y, w, **self.inference(p, ctx, local=False))
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        res = {k: common.plain(getattr(r, k)) for k in MORAN_KEYS}
        feedback.pushInfo(" ".join(f"{k}={res[k]!r}" for k in MORAN_KEYS))
        rows = [(k, res[k]) for k in MORAN_KEYS] + [("permutations", r.permutations)]
        res["OUTPUT"] = write_table(self, p, ctx, rows)
        return res


def write_table(alg, p, ctx, rows):
    """ROWS (name, number) as a table without geometry, when asked for."""
    fields = QgsFields()
    fields.append(QgsField("measure", QVariant.String))
    fields.append(QgsField("value", QVariant.Double))
    sink, dest = alg.parameterAsSink(p, "OUTPUT", ctx, fields, QgsWkbTypes.NoGeometry)
    if sink is None:
        return None
    for k, v in rows:
        f = QgsFeature(fields)
        f.setAttributes([k, common.plain(v)])
        sink.addFeature(f, QgsFeatureSink.FastInsert)
    return dest


class Disparity(Base):
    """Every disparity measure of a field (Gini, Theil T and L, GE,
    Atkinson, Williamson, CV, Hoover, Palma, ratios...) as `aimaq
    disparity`, optionally weighted by population and decomposed by a
    group field: a table of measure, value with the JSON output's keys."""
    NAME = "disparity"
    GROUP = "group_ineq"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer([QgsProcessing.TypeVector])
        self.add_field()
        self.add_field("WEIGHT", "weight", optional=True)
        self.add_field("GROUP", "group", optional=True, numeric=False)
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", tr("output_table"), QgsProcessing.TypeVector))
        for k in ("gini", "theil_t", "theil_l", "cv", "williamson"):
            self.addOutput(QgsProcessingOutputNumber(k.upper(), k))

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        feats = common.features(layer)
        x = common.values(feats, self.parameterAsString(p, "VALUE", ctx), "value")
        wf = self.parameterAsString(p, "WEIGHT", ctx)
        gf = self.parameterAsString(p, "GROUP", ctx)
        wt = common.values(feats, wf, "weight") if wf else None
        g = common.texts(feats, gf) if gf else None
        try:
            with common.progress(aq, feedback):
                d = aq.disparity(x, weights=wt, groups=g)
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        rows = list(d.measures.items())
        res = {"OUTPUT": write_table(self, p, ctx, rows)}
        for k in ("gini", "theil_t", "theil_l", "cv", "williamson"):
            res[k.upper()] = common.plain(getattr(d, k))
        return res


CONVERGENCE_KEYS = ("n", "nperiods", "T", "alpha", "beta", "se_alpha", "se_beta", "t", "p",
                    "r2", "speed", "half_life", "F", "df1", "df2", "F_p", "tau", "tau_p")
# Output names are upper case; T (the span in years) and t (beta's t) would
# be one name.
CONVERGENCE_OUT = {k: {"T": "SPAN", "t": "T_STAT"}.get(k, k.upper()) for k in CONVERGENCE_KEYS}


class Convergence(Base):
    """Sigma and beta convergence of a value over periods (one field per
    period, in time order) and Kendall's rank concordance, as `aimaq
    convergence --series`: beta, its t and p, the speed and half-life,
    the sigma test, and sigma (sd of logs, CV) per period, as a table of
    measure, value and as numbers. The periods' times are the years in the
    field names (pcgdp1940 is 1940) unless given."""
    NAME = "convergence"
    GROUP = "group_ineq"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer([QgsProcessing.TypeVector])
        self.addParameter(QgsProcessingParameterField(
            "SERIES", tr("series"), parentLayerParameterName="INPUT",
            type=QgsProcessingParameterField.Numeric, allowMultiple=True))
        self.addParameter(QgsProcessingParameterString("TIMES", tr("times"), optional=True))
        self.add_field("WEIGHT", "weight", optional=True)
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", tr("output_table"), QgsProcessing.TypeVector))
        for k in CONVERGENCE_KEYS:
            self.addOutput(QgsProcessingOutputNumber(CONVERGENCE_OUT[k], k))

    @staticmethod
    def year(name):
        import re
        m = re.search(r"(\d{4})(?!.*\d)", name) or re.search(r"(\d+)(?!.*\d)", name)
        if not m:
            raise QgsProcessingException(
                f"aimaq: field '{name}' names no year: give the periods' times (1940,2000)")
        return float(m.group(1))

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        import numpy as np
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        feats = common.features(layer)
        series = self.parameterAsFields(p, "SERIES", ctx)
        if len(series) < 2:
            raise QgsProcessingException("aimaq: convergence needs two or more period fields")
        y = np.array([common.values(feats, f, "series") for f in series]).T
        ts = self.parameterAsString(p, "TIMES", ctx)
        try:
            times = ([float(t) for t in ts.split(",")] if ts else
                     [self.year(f) for f in series])
        except ValueError:
            raise QgsProcessingException(f"aimaq: times '{ts}': expected numbers, comma-separated")
        wf = self.parameterAsString(p, "WEIGHT", ctx)
        wt = common.values(feats, wf, "weight") if wf else None
        try:
            with common.progress(aq, feedback):
                c = aq.convergence(y, times=times, weights=wt)
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        rows = [(k, getattr(c, k)) for k in CONVERGENCE_KEYS]
        for _, r in c.sigma.iterrows():
            t = f"{r['time']:g}"
            rows += [(f"sigma.{t}.sd_log", r["sd_log"]), (f"sigma.{t}.cv", r["cv"]),
                     (f"sigma.{t}.mean", r["mean"])]
        res = {"OUTPUT": write_table(self, p, ctx, rows)}
        for k in CONVERGENCE_KEYS:
            res[CONVERGENCE_OUT[k]] = common.plain(getattr(c, k))
        return res


class Classify(Base):
    """Map classes of a field (Fisher-Jenks, quantile, equal interval,
    standard deviation, box, head/tail, k-means; mapclassify's
    definitions) as `aimaq classify`: adds the field class (1 = lowest)
    and a graduated style of the same ranges."""
    NAME = "classify"
    GROUP = "group_index"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer()
        self.add_field()
        self.addParameter(QgsProcessingParameterEnum("METHOD", tr("method"),
                                                     list(CLASS_METHODS), defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "K", tr("k"), QgsProcessingParameterNumber.Integer, 5, minValue=1, maxValue=64))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", tr("output")))

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        feats = common.features(layer)
        field = self.parameterAsString(p, "VALUE", ctx)
        x = common.values(feats, field, "value")
        try:
            c = aq.classify(x, CLASS_METHODS[self.parameterAsEnum(p, "METHOD", ctx)],
                            self.parameterAsInt(p, "K", ctx))
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        fields, keep = common.joined_fields(layer, [("class", QVariant.Int)])
        sink, dest = self.parameterAsSink(p, "OUTPUT", ctx, fields, layer.wkbType(),
                                          layer.sourceCrs())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(p, "OUTPUT"))
        common.write_joined(sink, feats, keep, fields, [[int(b) + 1 for b in c.yb]], feedback)
        del sink
        feedback.pushInfo("bins: " + ", ".join(repr(float(b)) for b in c.bins))
        common.sidecar_style(ctx, dest, styles.graduated_renderer(
            field, min(x), [float(b) for b in c.bins],
            QgsWkbTypes.geometryType(layer.wkbType())))
        return {"OUTPUT": dest}


class Weights(Base):
    """Spatial weights of a layer's features (queen or rook contiguity, or
    a file re-keyed to the ID field) written as GAL, or GWT by the
    extension, keyed by the ID field, as `aimaq weights --output`."""
    NAME = "weights"
    GROUP = "group_spatial"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer([QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint])
        self.add_weights()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("output_file"), "GAL (*.gal);;GWT (*.gwt)"))
        for k in ("n", "links", "islands", "components"):
            self.addOutput(QgsProcessingOutputNumber(k.upper(), k))

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        feats = common.features(layer)
        w = self.read_weights(aq, p, ctx, layer, feats, "O")
        out = self.parameterAsFileOutput(p, "OUTPUT", ctx)
        idf = self.parameterAsString(p, "ID", ctx) or None
        try:
            w.write(out, idf)
            s = w.summary()
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        res = {"OUTPUT": out}
        for k in ("n", "links", "islands", "components"):
            res[k.upper()] = common.plain(s.get(k))
        return res


class _MethodBase(Base):
    GROUP = "group_index"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_layer([QgsProcessing.TypeVector])
        self.addParameter(QgsProcessingParameterFile("METHOD", tr("methodology"),
                                                     fileFilter="YAML (*.yaml *.yml)"))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", tr("output_table"), QgsProcessing.TypeVector))

    def frame(self, aq, layer, feats):
        """The layer's attributes (and geometry as WKB) as the DataFrame the
        package's methodology calls take."""
        import pandas as pd
        cols = {}
        for f in layer.fields():
            v = [common.plain(x[f.name()]) for x in feats]
            if f.type() == QVariant.String and not _is_code(f.name()):
                v = _numbers_or_text(v)
            cols[f.name()] = v
        df = pd.DataFrame(cols)
        if layer.isSpatial():
            df["geometry"] = [bytes(x.geometry().asWkb()) if x.hasGeometry() else None
                              for x in feats]
        return df

    def write_frame(self, p, ctx, df, layer, feats):
        fields = QgsFields()
        cols = [c for c in df.columns if c != "geometry"]
        first = df.iloc[0] if len(df) else None
        for c in cols:
            fields.append(common.qfield(c, common.plain(first[c]) if first is not None else ""))
        sink, dest = self.parameterAsSink(p, "OUTPUT", ctx, fields, QgsWkbTypes.NoGeometry)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(p, "OUTPUT"))
        for _, row in df.iterrows():
            f = QgsFeature(fields)
            f.setAttributes([common.plain(row[c]) for c in cols])
            sink.addFeature(f, QgsFeatureSink.FastInsert)
        return dest

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        aq = common.aimaq()
        layer = self.parameterAsVectorLayer(p, "INPUT", ctx)
        feats = common.features(layer)
        method = self.parameterAsFile(p, "METHOD", ctx)
        try:
            with common.progress(aq, feedback):
                df = self.run(aq, method, self.frame(aq, layer, feats))
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        return {"OUTPUT": self.write_frame(p, ctx, df, layer, feats)}


def _is_code(name):
    n = name.lower()
    return n in ("code", "id", "kato") or n.endswith("_code")


def _numbers_or_text(v):
    """A text field whose every value reads as a number, as numbers: OGR
    opens a CSV with every field as text, where the CLI's reader sees the
    numbers. Codes (code, id, kato, *_code) stay text, as the CLI keeps
    them."""
    out = []
    for x in v:
        if x is None or (isinstance(x, str) and x.strip() == ""):
            out.append(None)
            continue
        try:
            out.append(float(x))
        except (TypeError, ValueError):
            return v
    return out


class Potential(_MethodBase):
    """Development potential classes of the layer's units by a methodology
    file (kind potential), as `aimaq potential`: id, score, rank, class,
    pillar scores and the reason a unit has no score."""
    NAME = "potential"

    def run(self, aq, method, df):
        return aq.potential(method, df).units


class Depressed(_MethodBase):
    """Depressed towns by a methodology file (kind depressed), as `aimaq
    depressed`: id, flagged, criteria met and which, and why."""
    NAME = "depressed"

    def run(self, aq, method, df):
        return aq.depressed(method, df)


ACCESS_METHODS = ("nearest", "2sfca")


class Access(Base):
    """Travel time from each settlement (a point layer) to the nearest
    centre (a point layer), or 2SFCA service ratios of the centres'
    capacity, over the roads of a line layer (minutes from a field, or
    length at a speed by road class), as `aimaq network` then `aimaq
    access` / `aimaq access --2sfca`: the settlements with node, snap_km,
    minutes and centre, or ratio, per_1000 and facilities_within.
    Points are snapped to the nearest node; the layers' coordinates are
    taken in the road layer's CRS."""
    NAME = "access"
    GROUP = "group_access"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterVectorLayer(
            "LINES", tr("roads"), [QgsProcessing.TypeVectorLine]))
        self.addParameter(QgsProcessingParameterField(
            "CLASS", tr("road_class"), parentLayerParameterName="LINES", optional=True))
        self.addParameter(QgsProcessingParameterString(
            "SPEEDS", tr("speeds"), optional=True))
        self.addParameter(QgsProcessingParameterField(
            "MINUTES", tr("minutes"), parentLayerParameterName="LINES", optional=True,
            type=QgsProcessingParameterField.Numeric))
        self.addParameter(QgsProcessingParameterVectorLayer(
            "CENTRES", tr("centres"), [QgsProcessing.TypeVectorPoint]))
        self.addParameter(QgsProcessingParameterField(
            "CENTRE_NAME", tr("centre_name"), parentLayerParameterName="CENTRES", optional=True))
        self.addParameter(QgsProcessingParameterField(
            "CAPACITY", tr("capacity"), parentLayerParameterName="CENTRES", optional=True,
            type=QgsProcessingParameterField.Numeric))
        self.addParameter(QgsProcessingParameterVectorLayer(
            "SETTLEMENTS", tr("settlements"), [QgsProcessing.TypeVectorPoint]))
        self.addParameter(QgsProcessingParameterField(
            "ID", tr("id"), parentLayerParameterName="SETTLEMENTS"))
        self.addParameter(QgsProcessingParameterField(
            "POP", tr("population"), parentLayerParameterName="SETTLEMENTS",
            type=QgsProcessingParameterField.Numeric))
        self.addParameter(QgsProcessingParameterEnum("METHOD", tr("method"),
                                                     list(ACCESS_METHODS), defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "CUTOFF", tr("cutoff"), QgsProcessingParameterNumber.Double, 60.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", tr("output")))

    @staticmethod
    def points(layer, feats, crs, ctx):
        from qgis.core import QgsCoordinateTransform
        tf = QgsCoordinateTransform(layer.sourceCrs(), crs, ctx.transformContext())
        xs, ys = [], []
        for f in feats:
            if not f.hasGeometry():
                raise QgsProcessingException(
                    f"aimaq: {layer.name()}, feature {f.id()}: no geometry")
            pt = tf.transform(f.geometry().asPoint() if not f.geometry().isMultipart()
                              else f.geometry().asMultiPoint()[0])
            xs.append(pt.x())
            ys.append(pt.y())
        return xs, ys

    def processAlgorithm(self, p, ctx, feedback):  # noqa: N802
        import pandas as pd
        aq = common.aimaq()
        lines = self.parameterAsVectorLayer(p, "LINES", ctx)
        centres = self.parameterAsVectorLayer(p, "CENTRES", ctx)
        sett = self.parameterAsVectorLayer(p, "SETTLEMENTS", ctx)
        cls = self.parameterAsString(p, "CLASS", ctx) or None
        minutes = self.parameterAsString(p, "MINUTES", ctx) or None
        speeds = self.parameterAsString(p, "SPEEDS", ctx) or None
        lf = common.features(lines)
        ldf = pd.DataFrame({f.name(): [common.plain(x[f.name()]) for x in lf]
                            for f in lines.fields()})
        ldf["geometry"] = common.wkb(lf)
        cf, sf = common.features(centres), common.features(sett)
        crs = lines.sourceCrs()
        cx, cy = self.points(centres, cf, crs, ctx)
        cdf = pd.DataFrame({"x": cx, "y": cy})
        name = self.parameterAsString(p, "CENTRE_NAME", ctx)
        cdf["name"] = common.texts(cf, name) if name else [str(f.id()) for f in cf]
        cap = self.parameterAsString(p, "CAPACITY", ctx)
        if cap:
            cdf["capacity"] = common.values(cf, cap, "capacity")
        sx, sy = self.points(sett, sf, crs, ctx)
        idf = self.parameterAsString(p, "ID", ctx)
        ids = common.texts(sf, idf)
        sdf = pd.DataFrame({"id": ids, "x": sx, "y": sy,
                            "pop": common.values(sf, self.parameterAsString(p, "POP", ctx),
                                                 "population")})
        method = ACCESS_METHODS[self.parameterAsEnum(p, "METHOD", ctx)]
        common.check_cancel(feedback)
        try:
            with common.progress(aq, feedback):
                g = aq.Graph.from_lines(ldf, road_class=cls, speeds=speeds, minutes=minutes)
                common.check_cancel(feedback)
                if method == "2sfca":
                    if not cap:
                        raise QgsProcessingException("aimaq: 2SFCA needs the centres' capacity field")
                    r = aq.two_step_fca(g, cdf, sdf, cutoff=self.parameterAsDouble(p, "CUTOFF", ctx),
                                        centre_id="name", capacity="capacity", id="id", pop="pop",
                                        x="x", y="y")
                else:
                    r = aq.access(g, cdf, sdf, centre_id="name", id="id", pop="pop", x="x", y="y")
        except aq.Error as e:
            raise QgsProcessingException(f"aimaq: {e}")
        r = r.set_index(r["settlement"].astype(str))
        cols = [c for c in r.columns if c not in ("settlement", "geometry")]
        extra = [(c, QVariant.String if r[c].dtype == object else QVariant.Double) for c in cols]
        fields, keep = common.joined_fields(sett, extra)
        sink, dest = self.parameterAsSink(p, "OUTPUT", ctx, fields, sett.wkbType(),
                                          sett.sourceCrs())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(p, "OUTPUT"))
        data = [[r.at[i, c] if i in r.index else None for i in ids] for c in cols]
        common.write_joined(sink, sf, keep, fields, data, feedback)
        return {"OUTPUT": dest}


ALGORITHMS = (Lisa, Moran, LocalG, Disparity, Convergence, Classify, Weights, Potential, Depressed, Access)
