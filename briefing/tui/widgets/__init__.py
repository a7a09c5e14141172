"""The widgets the triage screen is built from, one module each."""
