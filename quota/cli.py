"""``flask quota draw``: a draw on CSV files, by the same code as the web (DESIGN §5c)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from quota.draw import MODES, draw
from quota.files import read_pool, read_targets, report_of, write_results
from quota.problem import QuotaInfeasible, QuotaInputError

INFEASIBLE = 2


@click.command("draw")
@click.option("--pool", "pool_path", type=click.Path(path_type=Path), required=True,
              help="CSV: an id column and one column per dimension.")
@click.option("--targets", "targets_path", type=click.Path(path_type=Path), required=True,
              help="CSV: dimension,category,min,max (or feature,value,min,max).")
@click.option("--size", type=click.IntRange(min=1), required=True, help="People to select.")
@click.option("--mode", type=click.Choice(sorted(MODES)), required=True,
              help="survey: quota sample; fair: leximin lottery (equal chances).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for a reproducible draw (a random one is chosen and reported if absent).")
@click.option("--household", default="",
              help="Column(s), comma-separated, that identify a household: one person each.")
@click.option("--reserves", type=click.IntRange(min=0), default=None,
              help="Reserves to rank (default: a fifth of the panel, at least 5).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for selected.csv, reserves.csv, probabilities.csv, report.json.")
def draw_command(pool_path: Path, targets_path: Path, size: int, mode: str, seed: int | None,
                 household: str, reserves: int | None, out: Path) -> None:
    """Draw a quota sample or a fair panel from a pool of people in a CSV file."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    households = [c.strip() for c in household.split(",") if c.strip()]
    try:
        quotas = read_targets(targets_path)
        dimensions = list(dict.fromkeys(q.dimension for q in quotas))
        pool = read_pool(pool_path, dimensions, households)
        selection = draw(mode, pool, quotas, size, seed=seed, reserves=reserves)
    except QuotaInputError as error:
        raise click.ClickException("\n".join(error.problems)) from error
    except QuotaInfeasible as error:
        click.echo("No panel can meet every quota. Change these and try again:", err=True)
        for problem in error.problems:
            click.echo(f"- {problem.message}", err=True)
        sys.exit(INFEASIBLE)
    write_results(selection, out, report_of(selection, pool_size=len(pool), size=size, mode=mode))
    click.echo(f"Selected {len(selection.selected)} of {len(pool)} with seed {seed}; "
               f"{len(selection.reserves)} reserves. Results in {out}/")
    if selection.lottery is not None:
        lottery = selection.lottery
        click.echo(f"Smallest selection probability {lottery.minimum:.6f} "
                   f"(upper bound {lottery.upper_bound:.6f})"
                   + (f"; {lottery.unselectable} in the pool cannot be selected under these "
                      "quotas." if lottery.unselectable else "."))


quota_cli = AppGroup("quota", help="Quota samples from files (DESIGN §5c).")
quota_cli.add_command(draw_command)
