#!/usr/bin/env python3
"""Benchmark of `import-catalog --format imdb`: generates IMDb-format dataset files (gzip TSV) and imports them
into a scratch database, then prints rows read per second and the process's peak memory.

At --scale 1 (the budget's size): 1,000,000 titles (700,000 films, 300,000 series with 10 episodes each, so
3,000,000 episodes, which title.basics also lists), 1,000,000 ratings, 2,000,000 people and 2,000,000
principals: 12 million rows read. Budget: at least 50,000 rows/s and under 1 GB of memory.

  .venv/bin/python benchmarks/bench_import.py --scale 0.05          # 600,000 rows, a minute or two
  .venv/bin/python benchmarks/bench_import.py --scale 1 --keep-files /tmp/imdb-bench

The database (default: streamsync_bench_import on the test server) is dropped and rebuilt first.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url

from core.catalog_import.runner import run_import
from core.catalog_import.session import BATCH_ROWS
from db import engine, migrations, schema
from db.config import REQUIRED_QUERY

GENRES = ("Drama", "Comedy", "Action", "Romance", "Thriller", "Crime", "Documentary", "Family")


def _write(path: Path, header: str, lines) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1, newline="\n") as fh:
        fh.write(header + "\n")
        buffer = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= 100_000:
                fh.write("\n".join(buffer) + "\n")
                buffer = []
        if buffer:
            fh.write("\n".join(buffer) + "\n")


def generate(directory: Path, scale: float) -> dict[str, int]:
    titles = int(1_000_000 * scale)
    series = titles * 3 // 10
    people = int(2_000_000 * scale)
    episodes_per_series = 10
    first_episode = 10_000_000  # episode ids after every title id

    def basics():
        for n in range(1, titles + 1):
            kind = "tvSeries" if n % 10 < 3 else "movie"
            genres = f"{GENRES[n % 8]},{GENRES[(n * 7) % 8]}" if n % 5 else GENRES[n % 8]
            yield (f"tt{n:07d}\t{kind}\tGenerated Title {n}\tGenerated Title {n}\t0\t{1950 + n % 70}\t\\N\t"
                   f"{60 + n % 120}\t{genres}")
        e = first_episode
        for n in range(1, titles + 1):
            if n % 10 < 3:
                for k in range(episodes_per_series):
                    yield f"tt{e:08d}\ttvEpisode\tEpisode {k + 1} of {n}\tEpisode {k + 1} of {n}\t0\t\\N\t\\N\t45\t\\N"
                    e += 1

    def episodes():
        e = first_episode
        for n in range(1, titles + 1):
            if n % 10 < 3:
                for k in range(episodes_per_series):
                    yield f"tt{e:08d}\ttt{n:07d}\t{k // 5 + 1}\t{k % 5 + 1}"
                    e += 1

    _write(directory / "title.basics.tsv.gz",
           "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres",
           basics())
    _write(directory / "title.ratings.tsv.gz", "tconst\taverageRating\tnumVotes",
           (f"tt{n:07d}\t{1 + n % 90 / 10:.1f}\t{n % 5000}" for n in range(1, titles + 1)))
    _write(directory / "title.episode.tsv.gz", "tconst\tparentTconst\tseasonNumber\tepisodeNumber", episodes())
    _write(directory / "title.principals.tsv.gz", "tconst\tordering\tnconst\tcategory\tjob\tcharacters",
           (f"tt{(p % titles) + 1:07d}\t{p // titles + 1}\tnm{p + 1:07d}\t"
            + ("actor\t\\N\t[\"Role\"]" if p % 4 else "director\t\\N\t\\N") for p in range(people)))
    _write(directory / "name.basics.tsv.gz",
           "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles",
           (f"nm{p + 1:07d}\tGenerated Person {p + 1}\t1960\t\\N\tactor\t\\N" for p in range(people)))
    return {"titles": titles, "series": series, "episodes": series * episodes_per_series, "people": people}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.05, help="1 = 1M titles, 3M episodes, 2M people")
    parser.add_argument("--db", default=os.environ.get("STREAMSYNC_TEST_SERVER_URL", "mysql+mysqlconnector://root@127.0.0.1:3306/")
                        .rstrip("/") + "/streamsync_bench_import", help="scratch database URL (dropped first)")
    parser.add_argument("--keep-files", type=Path, help="generate into (or reuse) this folder and keep it")
    parser.add_argument("--batch", type=int, default=BATCH_ROWS)
    args = parser.parse_args()

    folder = args.keep_files or Path(tempfile.mkdtemp(prefix="imdb-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if not (folder / "name.basics.tsv.gz").exists():
        sizes = generate(folder, args.scale)
        print(f"generated {sizes} in {time.monotonic() - started:.0f} s into {folder}")
    url = make_url(args.db).update_query_dict(REQUIRED_QUERY)
    schema.recreate_database(url)
    migrations.upgrade_url(url)
    os.environ["STREAMSYNC_DB_URL"] = url.render_as_string(hide_password=False)
    engine.dispose_engine()

    started = time.monotonic()
    outcome = run_import("imdb", folder, batch_rows=args.batch)
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = outcome.report.rows_read
    print(outcome.report.table())
    result = {"scale": args.scale, "rows_read": rows, "seconds": round(seconds, 1),
              "rows_per_s": round(rows / seconds), "peak_mb": round(peak_mb), "load": os.getloadavg()[0],
              "cores": os.cpu_count()}
    print(json.dumps(result))
    verdict = "within" if result["rows_per_s"] >= 50_000 and peak_mb < 1024 else "OVER"
    print(f"{rows:,} rows in {seconds:.1f} s: {rows / seconds:,.0f} rows/s, peak memory {peak_mb:,.0f} MB "
          f"({verdict} the budget of 50,000 rows/s and 1 GB)")
    if not args.keep_files:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    schema.drop_database(url)
    return 0 if verdict == "within" else 1


if __name__ == "__main__":
    sys.exit(main())
