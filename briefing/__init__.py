"""briefing: a terminal news-briefing tool for analysts who follow the conflict in Libya."""

__version__ = "0.1.0"
