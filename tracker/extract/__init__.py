"""The pure text pipeline: sentences, dates, names, candidate events.

Nothing here imports Django or touches a database: it works on plain data and
is fast to test. `tracker.gazetteer` builds its input from the database.
"""
