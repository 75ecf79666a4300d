"""CSV intake: ``dbintegrity load PACK --csv DIR``; every row judged against the contract before any is written."""

from dbintegrity.intake.run import LoadOptions, LoadResult, load_csv

__all__ = ["LoadOptions", "LoadResult", "load_csv"]
