"""What a pack is: its folders and files, its reviewed contract, and the neutral model an engine is read into.

A pack (``sql/<name>/``) is the unit a user reviews, so everything that reads one without a server lives
here: discovery and the per-engine file overlay (``discovery``), the contract (``contract``), the schema
model every engine's catalogue is translated into (``model``), the snapshot that compares the two
(``snapshot``), namespaces, and YAML reading with the user's file and line in every error.
"""
