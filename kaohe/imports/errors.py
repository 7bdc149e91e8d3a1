"""Import errors that point at the exact row and column, in the words the office uses."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    row: int | None  # spreadsheet row number (header is row 1); None for file-level errors
    column: str  # header name, or "" for a whole-row / whole-file error
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{''.join(where)}：{self.message}" if where else self.message


class ImportFailure(Exception):
    """The file was rejected; nothing was written. Carries every error found, not just the first."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class Collector:
    """Gathers errors while validating so one pass reports all of them."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportFailure(self.errors)
