"""Azure Functions entry point (Python v2 model): the app and its blueprints, nothing else."""

import azure.functions as func

from functions import api, statements

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(api.bp)
app.register_functions(statements.bp)
