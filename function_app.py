"""Azure Functions entry point (Python v2 model): the app and its blueprints, nothing else."""

import azure.functions as func

from functions import (
    api,
    callbacks,
    dunning,
    messaging,
    outbox_page,
    payments,
    poison,
    portal,
    statements,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(api.bp)
app.register_functions(statements.bp)
app.register_functions(messaging.bp)
app.register_functions(callbacks.bp)
app.register_functions(outbox_page.bp)
app.register_functions(dunning.bp)
app.register_functions(payments.bp)
app.register_functions(portal.bp)
app.register_functions(poison.bp)
