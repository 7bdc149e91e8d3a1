"""The results notice (通报): drafted from the data, edited by the office, checked before issue."""
