"""Trigger adapters: each blueprint parses its input, calls one service, shapes the output.

Cold start rule (a new Flex Consumption instance imports ``function_app`` before its first
request, and the host indexes every function at once): at module level a function module
imports only what registration needs (``azure.functions`` and the standard library). Everything
else (``shared.bootstrap``, services, the API apps, schemas, adapters, fpdf, jinja2) is imported
inside the handler, so it loads on the first call of a function that uses it and never for the
others. The pattern::

    import azure.functions as func

    bp = func.Blueprint()  # type: ignore[no-untyped-call]


    @bp.function_name("run_something")
    @bp.queue_trigger(arg_name="msg", queue_name="something", connection="AzureWebJobsStorage")
    def run_something(msg: func.QueueMessage, context: func.Context) -> None:
        from shared import bootstrap  # here, not at the top: see above

        bootstrap.services().something.run(msg.get_body())

Every function takes ``context: func.Context`` (exactly that annotation: the worker passes the
invocation context by that parameter name and refuses any other type). It is not used in the
body: ``shared.telemetry.instrument`` reads the host's trace and invocation id from it, so the
function's spans and logs join the invocation the host records (``tests/unit/telemetry/
test_host_trace_context.py`` holds every registered function to it).

Types needed only in signatures go under ``if TYPE_CHECKING:``. The guard is
``tests/unit/test_cold_start.py``: ``import function_app`` must not load the heavy modules it
lists (``make bench BENCH=cold_start`` measures the time).
"""
