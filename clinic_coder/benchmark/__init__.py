"""scripts/bench: seed a throwaway database, serve it with gunicorn, measure every page.

run.py drives it (stdlib only until Django is set up against the throwaway database);
seed.py makes the cohorts and attempts through the real submit workflow; web.py is the HTTP
side (gunicorn, a cookie-keeping client, the deadline burst); report.py is pure arithmetic
and formatting.
"""
