"""Imports (Jira, Trello, CSV/XLSX), lossless exports and the workspace backup."""
