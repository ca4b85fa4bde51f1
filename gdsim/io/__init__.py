"""Reading and writing run CSVs and configs (no Qt)."""
