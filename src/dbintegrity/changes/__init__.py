"""Only what a change touches: a git ref's packs against the working tree.

``gitref`` reads a pack's files at a ref; ``ddlobjects`` names the tables, views and triggers each DDL
statement defines; ``since`` chooses the gate items that ``check --changed-since`` runs and says what it
left out; ``behaviour_diff`` words the behavioural difference for ``dbintegrity diff``.
"""
