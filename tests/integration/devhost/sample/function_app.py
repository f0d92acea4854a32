"""A small app that exercises every trigger kind the local host supports."""

import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="echo/{id:int}/{*rest}", methods=["GET", "POST"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    body = {
        "id": req.route_params["id"],
        "rest": req.route_params.get("rest"),
        "q": dict(req.params),
    }
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.route(route="nothing", methods=["POST"])
def nothing(req: func.HttpRequest) -> None:
    return None


@app.queue_trigger(arg_name="msg", queue_name="%WORK_QUEUE%", connection="AzureWebJobsStorage")
@app.queue_output(arg_name="done", queue_name="%DONE_QUEUE%", connection="AzureWebJobsStorage")
def work(msg: func.QueueMessage, done: func.Out[str]) -> None:
    text = msg.get_body().decode()
    if text.startswith("fail"):
        raise RuntimeError(f"failing on purpose (try {msg.dequeue_count})")
    done.set(json.dumps({"body": text, "tries": msg.dequeue_count}))


@app.timer_trigger(arg_name="timer", schedule="%TICK_SCHEDULE%", run_on_startup=False)
@app.queue_output(arg_name="ticks", queue_name="%TICKS_QUEUE%", connection="AzureWebJobsStorage")
def tick(timer: func.TimerRequest, ticks: func.Out[str]) -> None:
    ticks.set(json.dumps({"past_due": timer.past_due}))


@app.blob_trigger(
    arg_name="blob",
    path="inbox/{name}",
    connection="AzureWebJobsStorage",
    source=func.BlobSource.EVENT_GRID,
)
@app.queue_output(arg_name="seen", queue_name="%SEEN_QUEUE%", connection="AzureWebJobsStorage")
def inbox(blob: func.InputStream, seen: func.Out[str]) -> None:
    seen.set(json.dumps({"name": blob.name, "size": blob.length}))
