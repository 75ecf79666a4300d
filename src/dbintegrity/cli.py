"""The ``dbintegrity`` command line.

Commands: ``engines`` (what would run where, and why not elsewhere), ``check`` (the gate, the same
tests as ``pytest -m integrity``), ``snapshot`` (write a pack's contract from a live database) and
``provision`` (fetch local server binaries).  Errors of ours print as one line and exit 2; a failing gate
exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dbintegrity import __version__
from dbintegrity import engines as registry
from dbintegrity.config import OPTION_BY_NAME, OPTIONS, Config, Option, env_lookup, resolve
from dbintegrity.errors import ConfigError, DbIntegrityError
from dbintegrity.servers import providers

Handler = Callable[[argparse.Namespace, Config], int]

ENGINE_HELP = f"engine of the database, optionally @version: {', '.join(registry.PLUGINS)} or one of " \
    f"{', '.join(registry.all_keys())}"


def _engine_key(text: str) -> str:
    """``--engine`` values are checked against the registry, with its own one-line message."""
    try:
        return registry.expand([text])[0]
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_common(parser: argparse.ArgumentParser, skip: Sequence[str] = ()) -> None:
    group = parser.add_argument_group("engines and packs (each also an environment variable and ini key)")
    for opt in OPTIONS:
        if opt.name not in skip:
            default = f" (default {opt.default})" if opt.default else ""
            group.add_argument(opt.flag, dest=f"opt_{opt.name}", default=None, metavar=opt.name.upper(),
                               help=f"{opt.help}{default}; env {opt.env}")


def _config(args: argparse.Namespace, **override: str) -> Config:
    def flag(opt: Option) -> str | None:
        if opt.name in override:
            return override[opt.name]
        value = getattr(args, f"opt_{opt.name}", None)
        return None if value is None else str(value)

    return resolve([_from_cwd(flag), _from_cwd(env_lookup())])


def _from_cwd(lookup: Callable[[Option], str | None]) -> Callable[[Option], str | None]:
    """A relative path the user typed (``--packs db/packs``) means one in the current directory, wherever the
    project's defaults (``sql/``, ``.engines/``) are found."""
    def absolute(opt: Option) -> str | None:
        value = lookup(opt)
        if opt.path and value and value.strip():
            return str(Path(value.strip()).expanduser().absolute())
        return value
    return absolute


def cmd_engines(args: argparse.Namespace, cfg: Config) -> int:
    """Per engine and version: the provider a run would use, the version it gives, and why the others are out.

    Without ``--engines`` every engine and version line the registry knows is listed, so the listing
    shows what can be started here and how; with it, only the engines chosen.
    """
    chosen_engines = cfg.engines if args.opt_engines or os.environ.get(OPTION_BY_NAME["engines"].env) \
        else registry.all_keys()
    for engine in chosen_engines:
        chosen = providers.choose(cfg, engine)
        print(f"{engine}: provider {chosen}" + (" (auto)" if cfg.provider == "auto" else ""))
        for a in providers.availability(cfg, engine):
            mark = "*" if a.provider == chosen else " "
            state = "available" if a.available else "unavailable"
            print(f"  {mark} {a.provider:<6} {state}: {a.detail}")
    return 0


def cmd_images(args: argparse.Namespace, cfg: Config) -> int:
    """Build the local Docker images of the engines (no registry needed)."""
    from dbintegrity.servers.images import build
    from dbintegrity.servers.providers.docker import forget_images

    built = build(cfg, list(cfg.engines), force=args.force)
    forget_images()
    for b in built:
        print(f"{b.engine}: {b.image} ({b.version}, {b.megabytes} MB) in {b.seconds:.1f} s")
    return 0


def cmd_check(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.runner.check import run_check

    return run_check(cfg, packs=args.packs, junitxml=args.junitxml, extra=args.pytest_args or [],
                     verbose=args.verbose, sql=args.sql, sample=args.sample, defines=args.define or [],
                     schemas=args.schema, jobs=args.jobs, changed_since=args.changed_since)


def cmd_diff(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.changes.behaviour_diff import run_diff

    return run_diff(cfg.packs_dir, args.packs, args.ref, args.format)


def _diff_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("diff", help="the behavioural difference of the packs' contracts and DDL against a git ref, "
                       "in words (exit 0: none, 1: differences)")
    p.add_argument("ref", help="git branch, tag or commit to compare with (e.g. main, origin/main, HEAD~1)")
    p.add_argument("packs", nargs="*", metavar="PACK", help="packs to compare (default: every pack here or at REF)")
    p.add_argument("--format", choices=("text", "markdown"), default="text",
                   help="text (default) or markdown, for a pull-request comment")
    _add_common(p, skip=("pack", "engines", "provider"))
    p.set_defaults(handler=cmd_diff)


def cmd_snapshot(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.pack.snapshot import snapshot

    return snapshot(cfg, pack=args.pack, engine=args.engine, out=args.out)


def cmd_mutate(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.mutation.run import run_mutate

    return run_mutate(cfg, pack=args.pack, operators=args.operator or [], every_target=args.all,
                      junitxml=args.junitxml, timeout_s=args.timeout, extra=args.pytest_args or [],
                      jobs=args.jobs)


def cmd_report(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.report.command import run_report

    return run_report(cfg, pack=args.pack, engine=args.engine, url=args.url, out=args.out, scale=args.scale,
                      seed=args.seed)


def cmd_seed(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.seed.command import run_seed

    mode = "append" if args.append else "replace" if args.replace else "refuse"
    return run_seed(cfg, pack=args.pack, engine=args.engine, url=args.url, scale=args.scale, seed=args.seed,
                    mode=mode, progress=False if args.no_progress else None, log_dir=args.log_dir,
                    keep_files=args.keep_files)


def cmd_load(args: argparse.Namespace, cfg: Config) -> int:
    from dbintegrity.intake.command import run_load

    return run_load(cfg, pack=args.pack, csv_dir=args.csv, url=args.url, engine=args.engine,
                    date_formats=args.date_format or [], rejects=args.rejects, encoding=args.encoding)


def cmd_provision(args: argparse.Namespace, cfg: Config) -> int:
    """Fetch local binaries for each engine named (``all``: every engine), each as the engine knows how."""
    from dbintegrity.servers.debian import ProvisionError

    keys = registry.expand(args.what) if args.what else registry.PLUGINS
    failed = []
    for key in keys:
        try:
            for line in registry.get_engine(key).provision(cfg, force=args.force):
                print(line, flush=True)
        except ProvisionError as exc:
            print(f"{key}: error: {exc}", file=sys.stderr, flush=True)
            failed.append(key)
    if failed:
        raise _Failure(f"could not provision {', '.join(failed)} (see above); use --provider docker or url for them")
    return 0


class _Failure(DbIntegrityError):
    pass


def _seed_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("seed", help="fill every table of a pack with realistic, deterministic rows (bulk-loaded)")
    p.add_argument("pack", help="the pack to seed (its contract.yml and seed_profile.yml drive the data)")
    p.add_argument("--engine", required=True, type=_engine_key, help=ENGINE_HELP)
    p.add_argument("--scale", type=float, default=1.0, help="size: 1 (default) is the profile's base, about "
                   "10,400 rows for healthcare_mgmt; 100 gives about a million")
    p.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same rows (default 0)")
    p.add_argument("--url", help="seed this existing database instead of a disposable one that is removed "
                   "afterwards, e.g. mysql://user:pw@host:3306/DB or postgresql://user:pw@host:5432/DB")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--append", action="store_true", help="add rows to a database that already has some")
    group.add_argument("--replace", action="store_true", help="delete the pack's rows first, then seed")
    p.add_argument("--log-dir", type=Path, help="folder of the timestamped log file (default .engines/logs)")
    p.add_argument("--keep-files", type=Path, metavar="DIR", help="also keep each table's load file as "
                   "DIR/<table>.tsv")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (the default outside a terminal and in CI)")
    _add_common(p, skip=("pack", "engines"))
    p.set_defaults(handler=cmd_seed)


def _images_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("images", help="build local Docker images of the engines from Debian packages (no registry)")
    p.add_argument("action", choices=("build",), help="what to do: build (keeps images already there)")
    p.add_argument("--force", action="store_true", help="rebuild even if the image is there")
    _add_common(p, skip=("pack", "provider"))
    p.set_defaults(handler=cmd_images)


def _load_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("load", help="load CSV files into a pack's tables, every row judged against the contract "
                       "before anything is written")
    p.add_argument("pack", help="the pack whose contract judges the rows (each DIR/<table>.csv goes to <table>)")
    p.add_argument("--csv", required=True, type=Path, metavar="DIR", help="folder of CSV files, one per table, "
                   "named after it, with a header line of column names")
    p.add_argument("--url", help="load into this database (it must hold the pack), e.g. "
                   "mysql://user:pw@host:3306/DB or postgresql://user:pw@host:5432/DB")
    p.add_argument("--engine", type=_engine_key, help="without --url: load into a disposable database on this "
                   f"engine, removed afterwards (validates the files); with --url, which engine it is: {ENGINE_HELP}")
    p.add_argument("--date-format", action="append", metavar="FORMAT", help="input format of date and timestamp "
                   "fields, e.g. DD/MM/YYYY or MM/DD/YYYY (default YYYY-MM-DD); table.column=FORMAT for one column; "
                   "never guessed per row")
    p.add_argument("--rejects", type=Path, metavar="FILE", help="load the good rows and write the bad ones here "
                   "(CSV: file, line, column, value, reason, record); without it one bad row loads nothing")
    p.add_argument("--encoding", default="utf-8", help="encoding of the files (default utf-8; e.g. cp1252)")
    _add_common(p, skip=("pack", "engines"))
    p.set_defaults(handler=cmd_load)


def _add_check_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``dbintegrity check``: the gate on packs, or zero-config mode on any schema (``--sql``)."""
    p = sub.add_parser("check", help="run the integrity gate (same tests as pytest -m integrity)")
    p.add_argument("packs", nargs="*", metavar="PACK", help="packs to check (default: every pack)")
    p.add_argument("--junitxml", type=Path, help="also write a JUnit XML report here, for CI systems")
    p.add_argument("-v", "--verbose", action="store_true", help="list every test as it runs")
    p.add_argument("--sql", type=Path, action="append", metavar="PATH",
                   help="zero-config mode: any schema file or folder (a dump, a Flyway or numbered folder, a script "
                   "with includes), no pack or contract needed (with --engine); repeat it to give the order")
    p.add_argument("--define", action="append", metavar="NAME=VALUE",
                   help="fill the placeholder ${NAME} / @NAME in the --sql files (repeatable)")
    p.add_argument("--engine", type=_engine_key, help=f"the one engine to use (same as --engines E): {ENGINE_HELP}")
    p.add_argument("--sample", type=int, metavar="N", help="run at most N contract items per probe kind, the "
                   "same ones every run; 0 runs all (default: all, but 100 in zero-config mode on a schema of "
                   "more than 100 tables); env DBINTEGRITY_SAMPLE")
    p.add_argument("--jobs", type=int, metavar="N", help="engines checked at the same time, each in a pytest-xdist "
                   "worker of its own, at most N (default: one per engine, at most one per CPU core; 1: one after another); "
                   "env DBINTEGRITY_JOBS")
    p.add_argument("--schema", action="append", metavar="NAME", help="PostgreSQL: introspect and probe only this "
                   "schema (repeatable; default: every schema the files create); env DBINTEGRITY_SCHEMAS")
    p.add_argument("--changed-since", metavar="REF", help="run only what a change touches: the items of the tables "
                   "whose DDL or contract differ from git REF, the foreign keys joining them to their neighbours, and "
                   "the views and triggers that read them; prints what it leaves out and why")
    p.add_argument("--pytest-args", nargs=argparse.REMAINDER, help="everything after this goes to pytest")
    _add_common(p, skip=("pack",))
    p.set_defaults(handler=cmd_check)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dbintegrity", description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"dbintegrity {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("engines", help="show which provider each engine would use and why others are unavailable")
    _add_common(p)
    p.set_defaults(handler=cmd_engines)

    _images_parser(sub)

    _add_check_parser(sub)
    _diff_parser(sub)

    p = sub.add_parser("snapshot", help="write a pack's contract.yml from a live database")
    p.add_argument("pack", help="the pack to load and read back")
    p.add_argument("--engine", required=True, type=_engine_key, help=f"engine to read it from: {ENGINE_HELP}")
    p.add_argument("--out", type=Path, help="where to write (default: the pack's contract.yml; - for stdout)")
    _add_common(p, skip=("pack", "engines"))
    p.set_defaults(handler=cmd_snapshot)

    p = sub.add_parser("mutate", help="break the pack on purpose and report the mutants the gate fails to catch")
    p.add_argument("pack", help="the pack to mutate")
    from dbintegrity.mutation.operators import OPERATORS  # the catalogue itself, so the help never falls behind it

    p.add_argument("--operator", action="append", metavar="NAME",
                   help=f"run only this operator (repeatable): {', '.join(OPERATORS)}")
    p.add_argument("--all", action="store_true", help="mutate every target of each operator, not only the first")
    p.add_argument("--junitxml", type=Path, help="also write a JUnit XML report here, one testcase per mutant")
    p.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                   help="give up on one mutant's gate run after this long (default 900)")
    p.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="gate runs at a time, on the same servers (default 2, 1 on a one-core machine)")
    p.add_argument("--pytest-args", nargs=argparse.REMAINDER, help="everything after this goes to each gate run")
    _add_common(p, skip=("pack",))
    p.set_defaults(handler=cmd_mutate)

    p = sub.add_parser("report", help="Great Expectations data-quality report (Data Docs, summary.json, charts) "
                       "on a freshly seeded or an existing database")
    p.add_argument("pack", help="the pack whose contract and expectations.yml make the suite")
    p.add_argument("--engine", required=True, type=_engine_key, help=ENGINE_HELP)
    p.add_argument("--url", help="report on this existing database instead of seeding a disposable one, "
                   "e.g. mysql://user:pw@host:3306/DB or postgresql://user:pw@host:5432/DB")
    p.add_argument("--out", type=Path, help="output folder (default reports/<pack>-<engine>-<timestamp>/)")
    p.add_argument("--scale", type=float, default=1, help="seeding scale of the disposable database "
                   "(default 1: the seed profile's base size, about 10,000 rows for healthcare_mgmt)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the seeder (default 0)")
    _add_common(p, skip=("pack", "engines"))
    p.set_defaults(handler=cmd_report)

    for add_parser in (_seed_parser, _load_parser):
        add_parser(sub)

    p = sub.add_parser("provision", help="download local server binaries into .engines/ (MySQL, MariaDB; "
                       "installed from a wheel: the per-user cache, see --engines-dir), or say where an engine's come from")
    p.add_argument("what", nargs="*", metavar="ENGINE", help=f"engines to provision, optionally @version "
                   f"({', '.join(registry.PLUGINS)}; all, the default: every one)")
    p.add_argument("--force", action="store_true", help="download again even if present")
    _add_common(p, skip=("pack", "engines", "provider"))
    p.set_defaults(handler=cmd_provision)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        override = {"engines": args.engine} if getattr(args, "engine", None) else {}
        cfg = _config(args, **override)
        handler: Handler = args.handler
        return handler(args, cfg)
    except DbIntegrityError as exc:
        print(f"dbintegrity {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"dbintegrity {args.command}: interrupted; servers stopped and scratch dirs removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
