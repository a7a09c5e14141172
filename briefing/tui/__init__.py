"""The Textual triage app. Imported only when the TUI starts, so `briefing fetch` never loads Textual."""
