"""What every extraction worker needs, loaded once in the forkserver that forks them.

The pool's workers are forked from multiprocessing's forkserver (flows/pool.py). Modules
imported and models loaded here are shared copy-on-write by all workers instead of being
built in each, and a worker that replaces one killed by a bad page starts without
importing trafilatura and the rest again.

Nothing here may start a thread: the forkserver forks, and a fork copies only the
forking thread. So polars (whose thread pool starts on first use) is imported but not
used here; the gazetteer, built with polars, is loaded by each worker on its first batch.
"""

from __future__ import annotations

import gc

import flows.batches  # noqa: F401 - stage_part, run in the workers
import transform.pipeline  # noqa: F401 - extract_record and its extractors
from transform.language import identify_many

identify_many(["Россия и Китай"], [None])  # the language model: ~70 MB of numpy arrays
# Objects made so far are left alone by the collector, so its passes in the workers do
# not write to (and so copy) the pages that hold them.
gc.freeze()
