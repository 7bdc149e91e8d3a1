"""The scoring workspace of a lead agency."""
