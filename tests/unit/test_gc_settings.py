"""The server process collects cyclic garbage less often than Python's default (ui/gc_settings.py): the entry
script sets it when Streamlit imports it to serve (the import that builds the st.App)."""
import gc
import runpy

from ui import gc_settings
from ui.harness import APP


def test_the_server_process_runs_the_collector_at_the_measured_thresholds():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        served = runpy.run_path(APP, run_name="streamlit_app")  # what `streamlit run` does first
        assert "app" in served
        assert gc.get_threshold() == gc_settings.THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # the modules' objects are out of every collection
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
