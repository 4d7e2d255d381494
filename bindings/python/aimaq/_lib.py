"""The C library: finding libaimaq.so, its structures and prototypes.

Everything here mirrors the public headers (include/*.h) one to one; no
measure is computed in Python. The library is found through the
AIMAQ_LIBRARY environment variable (a path to libaimaq.so), else through
`pkg-config --variable=libdir aimaq`, else by the system loader.
"""
import ctypes
import ctypes.util
import os
import subprocess
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int,
                    c_long, c_longlong, c_size_t, c_ubyte, c_uint32, c_uint64,
                    c_ulonglong, c_void_p)

_P = POINTER
c_double_p = _P(c_double)
c_char_pp = _P(c_char_p)
c_size_t_p = _P(c_size_t)


def _candidates():
    env = os.environ.get("AIMAQ_LIBRARY")
    if env:
        yield env
        return
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "aimaq"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            for name in ("libaimaq.so.0", "libaimaq.so"):
                path = os.path.normpath(os.path.join(out.stdout.strip(), name))
                if os.path.exists(path):
                    yield path
                    break
    except (OSError, subprocess.SubprocessError):
        pass
    yield ctypes.util.find_library("aimaq") or "libaimaq.so.0"


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("aimaq: cannot load libaimaq.so (set AIMAQ_LIBRARY to its path, or "
                      "install the library so that `pkg-config --variable=libdir aimaq` "
                      "finds it): " + "; ".join(errors))


lib, path = _load()

# ---------------------------------------------------------------- aimaq.h
WARNING_FN = CFUNCTYPE(None, c_void_p, c_char_p)
PROGRESS_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_size_t, c_size_t)

AQ_COL_NUMBER, AQ_COL_TEXT = 1, 2
AQ_STORE_READONLY, AQ_STORE_CREATE = 1, 2


class ReadOpts(Structure):
    _fields_ = [("layer", c_char_p), ("encoding", c_char_p), ("delimiter", c_char),
                ("decimal", c_char), ("text_columns", c_char_pp), ("columns", c_char_pp),
                ("optional_columns", c_char_pp), ("header_row", c_size_t), ("skip_rows", c_size_t)]


class ImportOpts(Structure):
    _fields_ = [("read", ReadOpts), ("mapping", c_char_p), ("dataset", c_char_p),
                ("period", c_char_p), ("indicator", c_char_p), ("user", c_char_p),
                ("classifier", c_char_p), ("skip_bad_rows", c_int), ("rejects_path", c_char_p),
                ("batch_rows", c_size_t), ("pending", c_int), ("scope", c_char_p), ("again", c_int)]


class ImportColumn(Structure):
    _fields_ = [("name", c_char_p), ("role", c_char_p), ("left_out", c_char_p),
                ("values", c_size_t), ("cells", c_size_t * 6)]


class ImportResult(Structure):
    _fields_ = [("dataset_id", c_longlong), ("rows_read", c_size_t), ("rows_accepted", c_size_t),
                ("rows_rejected", c_size_t), ("units_added", c_size_t),
                ("units_updated", c_size_t), ("indicators_added", c_size_t),
                ("observations", c_size_t), ("shape", c_char_p), ("defaults", c_char_p),
                ("checksum", c_char_p), ("cells_rejected", c_size_t), ("missing", c_size_t),
                ("columns", _P(ImportColumn)), ("ncolumns", c_size_t), ("units_by_name", c_size_t),
                ("measure", c_char_p), ("notes", c_char_p)]


class Selection(Structure):
    _fields_ = [("indicators", c_char_pp), ("level", c_char_p), ("period", c_char_p),
                ("under", c_char_p), ("max_dataset", c_longlong)]


class Finding(Structure):
    _fields_ = [("severity", c_int), ("check", c_char_p), ("unit", c_char_p),
                ("indicator", c_char_p), ("period", c_char_p), ("value", c_double),
                ("line", c_size_t), ("message", c_char_p)]


class MatchOpts(Structure):
    _fields_ = [("level", c_char_p), ("within", c_char_p), ("parent_column", c_char_p),
                ("name_column", c_char_p), ("code_column", c_char_p), ("renames", c_void_p)]


# ---------------------------------------------------------------- aimaq_ineq.h
GE_N, ATK_N, M_COUNT = 4, 3, 27


class IneqOpts(Structure):
    _fields_ = [("lorenz_max", c_size_t), ("threads", c_int)]


class IneqGroup(Structure):
    _fields_ = [("n", c_size_t), ("weight", c_double), ("mean", c_double),
                ("pop_share", c_double), ("income_share", c_double), ("ge", c_double * GE_N)]


class IneqResult(Structure):
    _fields_ = ([("n", c_size_t), ("weighted", c_int), ("total_weight", c_double)] +
                [(k, c_double) for k in (
                    "mean", "median", "min", "max", "range", "p10", "p90", "ratio_max_min",
                    "ratio_p90_p10", "ratio_top_bottom_quintile", "cv", "cv_sample",
                    "williamson", "gini", "theil_t", "theil_l")] +
                [("ge", c_double * GE_N), ("atkinson", c_double * ATK_N), ("hoover", c_double),
                 ("palma", c_double), ("nlorenz", c_size_t), ("lorenz_pop", c_double_p),
                 ("lorenz_income", c_double_p), ("ngroups", c_size_t),
                 ("groups", _P(IneqGroup)), ("between", c_double * GE_N),
                 ("within", c_double * GE_N)])


class IneqCI(Structure):
    _fields_ = [("replicates", c_size_t), ("failed", c_size_t), ("level", c_double),
                ("seed", c_uint64), ("lo", c_double * M_COUNT), ("hi", c_double * M_COUNT)]


class Sigma(Structure):
    _fields_ = [("time", c_double), ("mean", c_double), ("sd_log", c_double), ("cv", c_double)]


class ConvergenceResult(Structure):
    _fields_ = ([("n", c_size_t), ("nperiods", c_size_t), ("sigma", _P(Sigma))] +
                [(k, c_double) for k in ("F", "df1", "df2", "F_p", "T", "alpha", "beta",
                                         "se_alpha", "se_beta", "t", "p", "r2", "speed",
                                         "half_life")] +
                [("ncontrols", c_size_t), ("control_coef", c_double_p),
                 ("control_se", c_double_p), ("control_t", c_double_p),
                 ("control_p", c_double_p), ("tau", c_double), ("tau_p", c_double),
                 ("tau_p_ties", c_double)])


class MarkovResult(Structure):
    _fields_ = [("k", c_size_t), ("counts", c_double_p), ("p", c_double_p), ("ergodic", c_int),
                ("steady", c_double_p), ("mfpt", c_double_p), ("sojourn", c_double_p),
                ("prais", c_double_p), ("shorrocks", c_double)]


# ---------------------------------------------------------------- aimaq_spatial.h
class WeightsInfo(Structure):
    _fields_ = [("n", c_size_t), ("links", c_size_t), ("islands", c_size_t),
                ("min_neighbors", c_size_t), ("max_neighbors", c_size_t),
                ("mean_neighbors", c_double), ("pct_nonzero", c_double),
                ("components", c_size_t), ("symmetric", c_int), ("s0", c_double),
                ("s1", c_double), ("s2", c_double)]


def _global(stat, names):
    return ([(stat, c_double)] + [(k, c_double) for k in names] +
            [("permutations", c_long), ("n", c_size_t)])


class MoranResult(Structure):
    _fields_ = _global("I", ("EI", "VI_norm", "seI_norm", "z_norm", "p_norm", "VI_rand",
                             "seI_rand", "z_rand", "p_rand", "EI_sim", "seI_sim", "z_sim",
                             "p_sim"))


class GearyResult(Structure):
    _fields_ = _global("C", ("EC", "VC_norm", "seC_norm", "z_norm", "p_norm", "VC_rand",
                             "seC_rand", "z_rand", "p_rand", "EC_sim", "seC_sim", "z_sim",
                             "p_sim"))


class GetisResult(Structure):
    _fields_ = _global("G", ("EG", "VG", "z_norm", "p_norm", "EG_sim", "seG_sim", "z_sim",
                             "p_sim"))


class LocalOpts(Structure):
    _fields_ = [("permutations", c_long), ("seed", c_uint64), ("alpha", c_double),
                ("adjust", c_int)]


class Local(Structure):
    _fields_ = ([("n", c_size_t), ("kind", c_int)] +
                [(k, c_double_p) for k in ("value", "lag", "stat", "expect", "var", "z",
                                           "z_sim", "p_sim")] +
                [("quadrant", _P(c_int)), ("significant", _P(c_ubyte)),
                 ("threshold", c_double), ("permutations", c_long), ("islands", c_size_t)])


class SpMarkovResult(Structure):
    _fields_ = ([("k", c_size_t), ("m", c_size_t)] +
                [(k, c_double_p) for k in ("cutoffs", "lag_cutoffs", "T", "P", "S", "F",
                                           "T_pooled", "P_pooled", "S_pooled")] +
                [("Q", c_double), ("Q_p", c_double), ("LR", c_double), ("LR_p", c_double),
                 ("dof", c_int)])


# ---------------------------------------------------------------- aimaq_structure.h
class Shift(Structure):
    _fields_ = [(k, c_double) for k in ("base", "final", "growth", "national", "mix",
                                        "regional", "homothetic", "allocation")]


class StructureOpts(Structure):
    _fields_ = [("territory", c_char_p), ("sector", c_char_p), ("value", c_char_p),
                ("period", c_char_p), ("sectors", c_char_pp), ("nation", c_char_p),
                ("total", c_char_p), ("tolerance", c_double), ("at", c_char_p),
                ("base", c_char_p), ("final", c_char_p)]


# ---------------------------------------------------------------- aimaq_network.h
class EdgeOpts(Structure):
    _fields_ = [("from_", c_char_p), ("to", c_char_p), ("cost", c_char_p), ("length", c_char_p),
                ("road_class", c_char_p), ("speeds", c_char_p), ("directed", c_int)]


class Bands(Structure):
    _fields_ = [("upto", c_double_p), ("weight", c_double_p), ("n", c_size_t)]


class AccessOpts(Structure):
    _fields_ = [(k, c_char_p) for k in ("node", "kind", "centre_id", "capacity", "id", "pop",
                                        "x", "y")] + \
               [("max_snap_km", c_double), ("snap_kmh", c_double), ("limit", c_double)]


class NetworkOpts(Structure):
    _fields_ = [("road_class", c_char_p), ("speeds", c_char_p), ("minutes", c_char_p),
                ("merge", c_double), ("directed", c_int), ("keep_unclassed", c_int)]


# ---------------------------------------------------------------- aimaq_index.h
class UncertaintyOpts(Structure):
    _fields_ = [("runs", c_size_t), ("seed", c_ulonglong), ("sobol", c_int),
                ("weight_draws", c_double_p), ("ndraws", c_size_t)]


class SupportTimes(Structure):
    _fields_ = [("pairs", c_void_p), ("origin", c_char_p), ("destination", c_char_p),
                ("minutes", c_char_p), ("max_minutes", c_double)]


# ---------------------------------------------------------------- aimaq_report.h
class ReportOpts(Structure):
    _fields_ = [(k, c_char_p) for k in ("lang", "value", "population", "level", "method_path",
                                        "class_summary", "class_map", "title")] + \
               [("simplify", c_double), ("classes", c_int)]


# ---------------------------------------------------------------- prototypes
V = c_void_p
I = c_int
SZ = c_size_t
D = c_double
S = c_char_p
VP = _P(c_void_p)

_protos = {
    # aimaq.h
    "aq_ctx_new": (V, []), "aq_ctx_free": (None, [V]), "aq_errmsg": (S, [V]),
    "aq_errcode": (I, [V]), "aq_clear_error": (None, [V]),
    "aq_ctx_set_warning_fn": (None, [V, WARNING_FN, V]),
    "aq_ctx_set_progress_fn": (None, [V, PROGRESS_FN, V]),
    "aq_ctx_set_threads": (None, [V, I]), "aq_ctx_threads": (I, [V]),
    "aq_read_opts_init": (None, [_P(ReadOpts)]),
    "aq_table_read": (I, [V, S, _P(ReadOpts), VP]),
    "aq_table_new": (I, [V, SZ, VP]), "aq_table_free": (None, [V]),
    "aq_table_add_column": (I, [V, V, S, I, c_size_t_p]),
    "aq_table_set_number": (I, [V, V, SZ, SZ, D]),
    "aq_table_set_text": (I, [V, V, SZ, SZ, S]),
    "aq_table_nrows": (SZ, [V]), "aq_table_ncols": (SZ, [V]),
    "aq_table_colname": (S, [V, SZ]), "aq_table_coltype": (I, [V, SZ]),
    "aq_table_find": (c_long, [V, S]),
    "aq_table_numbers": (c_double_p, [V, SZ]), "aq_table_text": (S, [V, SZ, SZ]),
    "aq_table_geometry": (_P(c_ubyte), [V, SZ, c_size_t_p]),
    "aq_table_crs": (S, [V]),
    "aq_table_set_geometry": (I, [V, V, SZ, _P(c_ubyte), SZ, S]),
    "aq_table_write": (I, [V, V, S, I, S]),
    "aq_free": (None, [V]),
    "aq_name_key": (I, [V, S, _P(c_void_p), _P(c_int)]),
    "aq_translit_latin": (I, [V, S, _P(c_void_p)]),
    "aq_name_loose_key": (I, [V, S, _P(c_void_p)]),
    "aq_name_roman_key": (I, [V, S, I, _P(c_void_p)]),
    "aq_table_points_from_lonlat": (I, [V, V, S, S, c_size_t_p]),
    "aq_store_open": (I, [V, S, I, VP]), "aq_store_close": (None, [V]),
    "aq_store_schema_version": (I, [V]),
    "aq_import_opts_init": (None, [_P(ImportOpts)]),
    "aq_import_result_clear": (None, [_P(ImportResult)]),
    "aq_store_import": (I, [V, S, _P(ImportOpts), _P(ImportResult)]),
    "aq_store_select": (I, [V, _P(Selection), VP]),
    "aq_store_units": (I, [V, S, VP]), "aq_store_datasets": (I, [V, VP]),
    "aq_store_indicators": (I, [V, VP]), "aq_store_missing": (I, [V, VP]),
    "aq_store_link_units": (I, [V, S, S, S, D]),
    "aq_store_rebase": (I, [V, S, S, S, I, VP]),
    "aq_check_table": (I, [V, V, VP]), "aq_check_store": (I, [V, VP]),
    "aq_findings_count": (SZ, [V]), "aq_findings_get": (_P(Finding), [V, SZ]),
    "aq_findings_free": (None, [V]),
    "aq_match_opts_init": (None, [_P(MatchOpts)]),
    "aq_match": (I, [V, V, _P(MatchOpts), VP]),
    # aimaq_ineq.h
    "aq_ineq_opts_init": (None, [_P(IneqOpts)]),
    "aq_ineq_compute": (I, [V, c_double_p, c_double_p, SZ, _P(c_uint32), SZ, _P(IneqOpts),
                            _P(_P(IneqResult))]),
    "aq_ineq_result_free": (None, [_P(IneqResult)]),
    "aq_ineq_measure_key": (S, [I]),
    "aq_ineq_measure_value": (D, [_P(IneqResult), I]),
    "aq_ineq_bootstrap": (I, [V, c_double_p, c_double_p, SZ, _P(c_uint32), SZ, SZ, c_uint64, D,
                              _P(IneqOpts), _P(IneqCI)]),
    "aq_kendall_tau": (I, [V, c_double_p, c_double_p, SZ, c_double_p, c_double_p, c_double_p]),
    "aq_convergence": (I, [V, c_double_p, c_double_p, SZ, SZ, c_double_p, c_double_p, SZ,
                           _P(_P(ConvergenceResult))]),
    "aq_convergence_free": (None, [_P(ConvergenceResult)]),
    "aq_markov_classify": (I, [V, c_double_p, SZ, SZ, SZ, I, _P(c_int), c_double_p]),
    "aq_markov_estimate": (I, [V, _P(c_int), SZ, SZ, SZ, _P(_P(MarkovResult))]),
    "aq_markov_free": (None, [_P(MarkovResult)]),
    # aimaq_spatial.h
    "aq_weights_knn": (I, [V, c_double_p, c_double_p, SZ, I, SZ, VP]),
    "aq_weights_band": (I, [V, c_double_p, c_double_p, SZ, I, D, D, VP]),
    "aq_weights_kernel": (I, [V, c_double_p, c_double_p, SZ, I, I, D, SZ, VP]),
    "aq_weights_contiguity": (I, [V, VP, c_size_t_p, SZ, I, D, VP]),
    "aq_weights_block": (I, [V, c_char_pp, SZ, VP]),
    "aq_weights_higher_order": (I, [V, V, I, I, VP]),
    "aq_weights_add_self": (I, [V, V, VP]),
    "aq_geometry_centroids": (I, [V, VP, c_size_t_p, SZ, c_double_p, c_double_p]),
    "aq_crs_is_geographic": (I, [S]),
    "aq_weights_set_style": (I, [V, V, I]), "aq_weights_style": (I, [V]),
    "aq_weights_n": (SZ, [V]),
    "aq_weights_neighbors": (SZ, [V, SZ, _P(_P(c_uint32)), _P(c_double_p)]),
    "aq_weights_set_ids": (I, [V, V, c_char_pp]), "aq_weights_id": (S, [V, SZ]),
    "aq_weights_align": (I, [V, V, c_char_pp, SZ, VP]),
    "aq_weights_read": (I, [V, S, VP]), "aq_weights_write": (I, [V, V, S, S]),
    "aq_weights_summary": (I, [V, V, _P(WeightsInfo)]),
    "aq_weights_lag": (None, [V, c_double_p, c_double_p]),
    "aq_weights_free": (None, [V]),
    "aq_moran_global": (I, [V, V, c_double_p, SZ, c_long, c_uint64, _P(MoranResult)]),
    "aq_moran_bv": (I, [V, V, c_double_p, c_double_p, SZ, c_long, c_uint64, _P(MoranResult)]),
    "aq_moran_rate": (I, [V, V, c_double_p, c_double_p, SZ, c_long, c_uint64,
                          _P(MoranResult)]),
    "aq_eb_rates": (I, [V, c_double_p, c_double_p, SZ, c_double_p]),
    "aq_geary": (I, [V, V, c_double_p, SZ, c_long, c_uint64, _P(GearyResult)]),
    "aq_getis_g": (I, [V, V, c_double_p, SZ, c_long, c_uint64, _P(GetisResult)]),
    "aq_local_opts_init": (None, [_P(LocalOpts)]),
    "aq_local_moran": (I, [V, V, c_double_p, SZ, _P(LocalOpts), _P(_P(Local))]),
    "aq_local_g": (I, [V, V, c_double_p, SZ, I, _P(LocalOpts), _P(_P(Local))]),
    "aq_local_geary": (I, [V, V, c_double_p, SZ, _P(LocalOpts), _P(_P(Local))]),
    "aq_local_cluster": (S, [_P(Local), SZ]),
    "aq_local_free": (None, [_P(Local)]),
    "aq_spmarkov": (I, [V, V, c_double_p, SZ, SZ, SZ, SZ, I, _P(_P(SpMarkovResult))]),
    "aq_lisa_markov": (I, [V, V, c_double_p, SZ, SZ, _P(_P(SpMarkovResult))]),
    "aq_spmarkov_free": (None, [_P(SpMarkovResult)]),
    # aimaq_structure.h
    "aq_locq": (D, [D, D, D, D]),
    "aq_locq_vector": (None, [c_double_p, c_double_p, SZ, c_double_p]),
    "aq_krugman": (D, [c_double_p, c_double_p, SZ]),
    "aq_hoover": (D, [c_double_p, c_double_p, SZ]),
    "aq_hhi": (D, [c_double_p, SZ, c_double_p]),
    "aq_gini_spec": (D, [c_double_p, c_double_p, SZ, c_double_p]),
    "aq_shift_share": (I, [V, c_double_p, c_double_p, c_double_p, c_double_p, SZ, _P(Shift),
                           c_double_p, c_double_p]),
    "aq_shift_share_dynamic": (I, [V, c_double_p, c_double_p, SZ, SZ, _P(Shift)]),
    "aq_structure_measure_parse": (I, [S, _P(c_int)]),
    "aq_structure_opts_init": (None, [_P(StructureOpts)]),
    "aq_structure": (I, [V, V, _P(StructureOpts), I, VP]),
    # aimaq_network.h
    "aq_graph_new": (I, [V, SZ, _P(c_uint32), _P(c_uint32), c_double_p, SZ, I, VP]),
    "aq_graph_free": (None, [V]), "aq_graph_nnodes": (SZ, [V]), "aq_graph_nedges": (SZ, [V]),
    "aq_graph_node_id": (S, [V, SZ, _P(c_char), SZ]), "aq_graph_find": (I, [V, S, c_size_t_p]),
    "aq_hansen": (I, [V, V, c_size_t_p, SZ, c_size_t_p, c_double_p, SZ, D, D, c_double_p]),
    "aq_edge_opts_init": (None, [_P(EdgeOpts)]),
    "aq_graph_from_edges": (I, [V, V, _P(EdgeOpts), VP]),
    "aq_graph_set_coords": (I, [V, V, V, S, S, S, I]),
    "aq_graph_straight_new": (I, [V, c_double_p, c_double_p, SZ, I, D, D, VP]),
    "aq_graph_nearest": (I, [V, V, c_size_t_p, SZ, D, I, c_double_p, _P(c_long)]),
    "aq_2sfca": (I, [V, V, c_size_t_p, c_double_p, SZ, c_size_t_p, c_double_p, SZ, _P(Bands),
                     c_double_p, c_double_p]),
    "aq_access_opts_init": (None, [_P(AccessOpts)]),
    "aq_access_nodes": (I, [V, V, V, _P(AccessOpts), VP]),
    "aq_access_settlements": (I, [V, V, V, V, _P(AccessOpts), VP, VP, VP]),
    "aq_access_od": (I, [V, V, V, V, _P(AccessOpts), VP]),
    "aq_access_2sfca": (I, [V, V, V, V, _P(AccessOpts), _P(Bands), VP]),
    "aq_network_opts_init": (None, [_P(NetworkOpts)]),
    "aq_network_from_lines": (I, [V, V, _P(NetworkOpts), VP]),
    "aq_network_read_osm": (I, [V, S, VP]),
    "aq_graph_edges_table": (I, [V, V, VP]), "aq_graph_nodes_table": (I, [V, V, VP]),
    "aq_graph_summary": (I, [V, V, VP]),
    "aq_scenario_run": (I, [V, S, VP]), "aq_scenario_run_db": (I, [V, S, S, VP]),
    # aimaq_index.h
    "aq_method_load": (I, [V, S, VP]), "aq_method_parse": (I, [V, S, SZ, S, VP]),
    "aq_method_free": (None, [V]), "aq_method_name": (S, [V]), "aq_method_hash": (S, [V]),
    "aq_method_kind": (S, [V]), "aq_method_id_column": (S, [V]),
    "aq_method_nindicators": (SZ, [V]), "aq_method_indicator": (S, [V, SZ]),
    "aq_method_restrict": (I, [V, V, V, I]),
    "aq_method_weights_table": (I, [V, V, VP]),
    "aq_index_compute": (I, [V, V, V, VP]), "aq_index_free": (None, [V]),
    "aq_index_nunits": (SZ, [V]), "aq_index_scores": (c_double_p, [V]),
    "aq_index_units_table": (I, [V, V, VP]), "aq_index_classes_table": (I, [V, V, VP]),
    "aq_index_audit": (I, [V, V, V, VP, VP]),
    "aq_index_support": (I, [V, V, V, V, VP, VP]),
    "aq_index_support_ex": (I, [V, V, V, V, _P(SupportTimes), VP, VP]),
    "aq_uncertainty_opts_init": (None, [_P(UncertaintyOpts)]),
    "aq_index_uncertainty": (I, [V, V, V, _P(UncertaintyOpts), VP]),
    "aq_uncertainty_free": (None, [V]),
    "aq_uncertainty_units_table": (I, [V, V, VP]),
    "aq_uncertainty_summary_table": (I, [V, V, VP]),
    "aq_depressed_run": (I, [V, V, V, VP]),
    "aq_breaks_parse": (I, [S, _P(c_int)]),
    "aq_breaks": (I, [V, c_double_p, SZ, I, I, _P(c_double_p), _P(c_size_t_p), c_size_t_p]),
    # aimaq_report.h
    "aq_report_opts_init": (None, [_P(ReportOpts)]),
    "aq_report_html": (I, [V, _P(ReportOpts), _P(c_void_p), c_size_t_p]),
    "aq_report_section_html": (I, [V, _P(ReportOpts), S, _P(c_void_p), c_size_t_p]),
    "aq_report_figure_css": (S, []),
    "aq_report_write": (I, [V, _P(ReportOpts), S]),
}

for _name, (_res, _args) in _protos.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

# The structure sizes above follow the headers; a library with more
# bootstrap measures than M_COUNT would overrun IneqCI, so check it.
if lib.aq_ineq_measure_key(M_COUNT - 1) is None or lib.aq_ineq_measure_key(M_COUNT) is not None:
    raise ImportError(f"aimaq: {path} reports a different number of disparity measures "
                      f"than this package knows ({M_COUNT}); reinstall the package")
