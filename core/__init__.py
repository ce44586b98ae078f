"""Plain Python rules of StreamSync: no Streamlit here, so scripts, tests and benchmarks use it directly."""
