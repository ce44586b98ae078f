"""What an import did: per kind of row, how many were added, updated, unchanged and skipped, and one line
per reason rows were skipped or adjusted (with the first place it happened). Serialisable, so a resumed run
continues its counts."""
from __future__ import annotations

from dataclasses import dataclass, field

COLUMNS = ("added", "updated", "unchanged", "skipped")
ENTITIES = ("titles", "genres", "episodes", "people", "credits")


@dataclass
class Report:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[str, list] = field(default_factory=dict)   # reason -> [count, first example]
    rows_read: int = 0

    def add(self, entity: str, **how_many: int) -> None:
        row = self.counts.setdefault(entity, dict.fromkeys(COLUMNS, 0))
        for column, n in how_many.items():
            row[column] += n

    def note(self, reason: str, example: str, entity: str | None = None) -> None:
        """Count one row skipped (entity given) or adjusted, for `reason`; keep the first example."""
        found = self.notes.setdefault(reason, [0, example])
        found[0] += 1
        if entity:
            self.add(entity, skipped=1)

    def merge(self, other: Report) -> None:
        """Add another report's counts, notes and rows read (a batch's, once its rows are committed); a note
        keeps the first example it had."""
        for entity, counts in other.counts.items():
            self.add(entity, **counts)
        for reason, (count, example) in other.notes.items():
            self.notes.setdefault(reason, [0, example])[0] += count
        self.rows_read += other.rows_read

    def to_json(self) -> dict:
        return {"counts": self.counts, "notes": self.notes, "rows_read": self.rows_read}

    @classmethod
    def from_json(cls, data: dict | None) -> Report:
        if not data:
            return cls()
        return cls(counts=data.get("counts", {}), notes=data.get("notes", {}), rows_read=data.get("rows_read", 0))

    def table(self) -> str:
        """The closing table: one row per kind of row, then the notes."""
        entities = [e for e in ENTITIES if e in self.counts] + [e for e in self.counts if e not in ENTITIES]
        width = max([len(e) for e in entities] + [8])
        lines = [f"{'':<{width}}  " + "  ".join(f"{c:>10}" for c in COLUMNS)]
        for entity in entities:
            lines.append(f"{entity:<{width}}  " + "  ".join(f"{self.counts[entity][c]:>10,}" for c in COLUMNS))
        for reason, (count, example) in sorted(self.notes.items()):
            lines.append(f"{count:,} × {reason} (first: {example})")
        return "\n".join(lines)
