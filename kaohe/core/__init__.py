"""Pure domain core of kaohe: scoring, ranking, grading and statistics, free of Django."""
