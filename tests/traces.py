"""Looking for a person in every column of every table, after they asked to be forgotten."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.models import Base


def _as_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


async def traces(engine: AsyncEngine, *needles: str) -> list[str]:
    """Every "table.column = value" that contains one of `needles` (ignoring case)."""
    wanted = [needle.casefold() for needle in needles]
    found = []
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in (await connection.execute(table.select())).mappings():
                for column, value in row.items():
                    text = _as_text(value).casefold()
                    if any(needle in text for needle in wanted):
                        found.append(f"{table.name}.{column} = {text[:200]}")
    return found


def person_columns() -> list[tuple[str, str]]:
    """(table, column) of every foreign key to people.id."""
    return [
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name == "people"
    ]


async def references_to(engine: AsyncEngine, person_id: int) -> list[str]:
    """Every foreign key column that still points to `person_id`."""
    found = []
    async with engine.connect() as connection:
        for table_name, column in person_columns():
            table = Base.metadata.tables[table_name]
            rows = await connection.execute(table.select().where(table.c[column] == person_id))
            found += [f"{table_name}.{column}" for _ in rows]
    return found
