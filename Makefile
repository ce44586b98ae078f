# StreamSync. The two commands of the README:
#   make run    StreamSync on demo data at http://localhost:8501 (installs and starts what is missing)
#   make test   the whole test suite, browser tests included (what .ci/run runs)
#   make run WORKERS=N   the same in N processes behind HAProxy;  make dev   reloads on save
# Everything is in scripts/; the targets only name it, so the scripts also work without make.

.PHONY: run dev test stop-db db-status bench cluster-up cluster-down cluster-status cluster-test help

run:
	@STREAMSYNC_WORKERS="$(or $(WORKERS),$(STREAMSYNC_WORKERS),1)" scripts/run.sh

dev:
	@scripts/run.sh --dev

test:
	@scripts/test.sh $(PYTEST_ARGS)

# The private database server of this checkout (.local/mariadb), if `make run` started one.
stop-db:
	@scripts/setup_venv.sh requirements.txt
	@.venv/bin/python scripts/dbserver.py stop

db-status:
	@scripts/setup_venv.sh requirements.txt
	@.venv/bin/python scripts/dbserver.py status

# Pool and page benchmarks (benchmarks/README.md), e.g. BENCH_ARGS="--demo URL --large URL".
# Exits 1 when a page is over budget.
bench:
	@scripts/setup_venv.sh requirements.txt
	@.venv/bin/python benchmarks/bench_pool.py --compare
	@.venv/bin/python benchmarks/bench_pages.py $(BENCH_ARGS)

# A 3-node MariaDB Galera cluster on loopback (.local/galera), and the failover test against it
# (docs/deployment.md; .ci/run runs the test after the suite).
cluster-up cluster-down cluster-status:
	@scripts/setup_venv.sh requirements.txt
	@.venv/bin/python manage.py $@

cluster-test:
	@scripts/setup_venv.sh requirements.txt
	@.venv/bin/python scripts/cluster_test.py

help:
	@sed -n '1,5p' Makefile
