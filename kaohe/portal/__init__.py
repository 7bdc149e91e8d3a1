"""The unit portal: scorecards, appeals, rectification."""
