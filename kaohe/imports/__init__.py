"""Spreadsheet and file imports: every file is checked whole, then applied whole or not at all."""
