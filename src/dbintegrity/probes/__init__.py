"""Proving behaviour: insert, update, delete and look, with Hypothesis choosing the rows.

``session`` runs statements inside savepoints and records them for the failure text; ``synthesis`` draws
rows that satisfy a table's declared rules; ``worlds`` and ``fk_simulation`` build parent rows and predict
what a foreign-key action must do; ``evaluate`` and ``intervals`` are the Python oracles a CHECK or an
exclusion is compared with; ``access``, ``views`` and ``view_meaning`` probe grants and views;
``findings`` words a failure that is the engine's, not the schema's.
"""
