"""``dbintegrity seed``: realistic, deterministic rows for every table of a pack, bulk-loaded.

Generation is driven by the pack's contract (types, ENUM labels, keys, CHECKs, foreign keys) and its seed
profile (``sql/<pack>/seed_profile.yml``: row counts, providers, distributions, business rules); values
come from Faker pools and reference files in ``fixtures/``, combined per column with numpy.  The same seed
gives the same rows, with the same per-table checksums, on every engine and every run.

    from dbintegrity.seed import seed_database, SeedResult
    result = seed_database(runtime, "postgres", database, "healthcare_mgmt", scale=1, seed=0)
"""

from dbintegrity.seed.errors import ProfileError, SeedError
from dbintegrity.seed.run import MODES, SeedResult, TableResult, seed_database

__all__ = ["MODES", "ProfileError", "SeedError", "SeedResult", "TableResult", "seed_database"]
