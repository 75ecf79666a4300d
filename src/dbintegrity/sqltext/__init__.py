"""Reading SQL text without a server: scripts split into statements, expressions, regular expressions.

The gate compares what an engine does with what the DDL declares, so the declared text has to be read
independently of any engine: ``split`` (statements with their file and line, per the engine's splitter
rules), ``expr`` (CHECK and DEFAULT expressions, through sqlglot), ``regex`` (the regular expressions
CHECKs use), and ``inputs`` (a user's own SQL files for zero-config: includes, variables, defines).
"""
