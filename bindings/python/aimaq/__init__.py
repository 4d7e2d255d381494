"""aimaq for Python: regional development analysis over the aimaq C library.

Every measure is computed by libaimaq.so (found through AIMAQ_LIBRARY,
`pkg-config --variable=libdir aimaq`, or the system loader); this package
moves numpy arrays and pandas DataFrames in and out. See docs/python.md.
"""
from ._core import (AimaqWarning, DeniedError, Error, FileError, InputError, InternalError,
                    LimitError, NotFoundError, OutOfMemoryError, StoreError, UsageError, progress,
                    set_progress, set_threads)
from ._lib import path as library_path
from .analysis import (STRUCTURE_MEASURES, Classes, Graph, Method, Potential, access, audit,
                       classify, depressed, location_quotients, od, potential, scenario,
                       shift_share, specialisation, structure, support, two_step_fca,
                       uncertainty)
from .data import (HTML, Store, check_table, name_key, name_loose_key, name_roman_key, open_store,
                   read, translit_latin, with_points, write)
from .ineq import (MEASURES, Convergence, Disparity, Markov, bootstrap, convergence, disparity,
                   kendall_tau, markov, markov_classes)
from .spatial import (Geary, GetisOrd, Local, Moran, SpatialMarkov, Weights, centroids,
                      eb_rates, geary, getis_g, lisa, lisa_markov, local_g, local_geary, moran,
                      moran_bv, moran_rate, spatial_markov)

__version__ = "0.1.0"

__all__ = [n for n in dir() if not n.startswith("_")]
