"""rollout-enforcer: checks that a merge request description carries a real rollout plan."""

__version__ = "0.1.0"
