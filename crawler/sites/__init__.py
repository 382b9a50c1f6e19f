"""Sites as data: seeds.py (one TOML file per portal → a validated SiteConfig), importer.py
(seeds from the county portal list) and data/ (the official division codes, package data)."""
