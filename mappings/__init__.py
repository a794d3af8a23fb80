"""Bundled export mappings (YAML), installed as package data."""
