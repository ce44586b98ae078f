"""Running StreamSync beyond one process: worker processes behind HAProxy (serve) and a MariaDB Galera
cluster (cluster). Plain Python, no Streamlit; manage.py's serve and cluster commands only parse and print."""
