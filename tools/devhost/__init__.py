"""A local Azure Functions host for development and tests (never deployed).

Core Tools cannot be installed here, so this host loads ``function_app.py`` once, indexes its
functions and runs them with the real host's semantics (see README, "The local host"):
HTTP routes under the route prefix, queue triggers with batch size, dequeue count and poison
queues, timers from NCRONTAB with a schedule monitor, Event-Grid-style blob triggers, and the
admin endpoint that runs any non-HTTP function on demand.
"""
