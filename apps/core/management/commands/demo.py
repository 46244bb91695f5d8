"""``manage.py demo [--persons N] [--seed S]``: the Krông Bông demo and its synthetic population."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.demo import (
    DEFAULT_PERSONS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERS,
    PlacesMissing,
    PopulationInUse,
    demo_flags,
    load_demo,
    load_extensions,
    load_population,
)


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Load the Krông Bông demo (villages, organisations, users) and a synthetic population "
        "(households, persons, surveys 2025 and 2026), then print the demo logins. Idempotent: the same "
        "arguments again change nothing; other arguments replace the demo population."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=_count, default=DEFAULT_PERSONS,
                            help=f"Persons of the synthetic population (default {DEFAULT_PERSONS:,}; "
                                 "0: none).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"Seed of the generator: the same seed gives the same people (default "
                                 f"{DEFAULT_SEED}).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = load_demo()
            population = load_population(options["persons"], options["seed"])
        except (PlacesMissing, PopulationInUse) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo Krông Bông: {created['villages']} villages and {created['organisations']} "
            "organisations created (0 when already loaded)."
        )
        for flag in demo_flags():
            self.stdout.write(
                f"Demo flag (not an official decision): {flag.unit.name} {flag.year} marked as a commune "
                "with special difficulties (ĐBKK) — dữ liệu demo, không phải quyết định chính thức."
            )
        if population.action == "kept":
            self.stdout.write(f"Synthetic population already loaded ({population.persons:,} persons, seed "
                              f"{population.seed}): nothing to do.")
        else:
            counts = population.counts
            replaced = f", replacing {population.removed:,} demo persons" if population.removed else ""
            self.stdout.write(
                f"Synthetic population (seed {population.seed}): {counts.persons:,} persons in "
                f"{counts.households:,} households, {counts.surveys:,} survey records (2025, 2026)"
                f"{replaced}, in {population.seconds:.1f} s. Every record is flagged as demo data."
            )
            if counts.defects:
                defects = ", ".join(f"{name} {count}" for name, count in sorted(counts.defects.items()))
                self.stdout.write(f"Data-quality defects made on purpose: {defects}.")
        for line in load_extensions():
            self.stdout.write(line)
        self.stdout.write("Tài khoản demo / demo logins (mật khẩu / password: "
                          f"{DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.description}")
