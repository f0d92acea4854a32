"""Azure Functions entry point (Python v2 model): the app and its blueprints, nothing else."""

import azure.functions as func

import functions.inbound
import functions.linking
import functions.operations
from functions import (
    api,
    callbacks,
    console,
    dunning,
    installments,
    messaging,
    outbox_page,
    payments,
    poison,
    portal,
    statements,
)
from functions import rates as statutory_rates
from functions.brand import bp as brand_bp
from functions.console_jobs import bp as console_jobs_bp
from functions.holiday_table import bp as holiday_table_bp
from functions.match_index import bp as match_index_bp
from functions.metering import bp as metering_bp
from functions.settlements import bp as settlements_bp
from shared.telemetry.instrument import instrument_app

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(api.bp)
app.register_functions(statements.bp)
app.register_functions(messaging.bp)
app.register_functions(callbacks.bp)
app.register_functions(outbox_page.bp)
app.register_functions(dunning.bp)
app.register_functions(payments.bp)
app.register_functions(portal.bp)
app.register_functions(installments.bp)
app.register_functions(statutory_rates.bp)
app.register_functions(console.bp)
app.register_functions(functions.operations.bp)
app.register_functions(functions.linking.bp)
app.register_functions(settlements_bp)
app.register_functions(metering_bp)
app.register_functions(poison.bp)
app.register_functions(functions.inbound.bp)
app.register_functions(console_jobs_bp)
app.register_functions(brand_bp)
app.register_functions(holiday_table_bp)
app.register_functions(match_index_bp)

# keep last: wraps every function registered above (operation ids, spans, log context)
instrument_app(app)
