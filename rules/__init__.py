"""The bundled contract's rules files (YAML), installed as package data."""
