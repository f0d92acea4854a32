"""Flex Consumption runs blob triggers only through Event Grid. The local host emulates that
path, so only this test notices a blob trigger that Azure would never call: every blob
trigger with source EventGrid in functions/ needs a subscription in infra/app/eventgrid.bicep
for its container, delivered to its function through the blob extension's webhook."""

import re

from tests.support.code_scan import ROOT, Trigger, triggers

EVENTGRID = (ROOT / "infra" / "app" / "eventgrid.bicep").read_text()


def subscribed() -> set[tuple[str, str]]:
    block = re.search(r"var blobTriggers = \[(.*?)\n\]", EVENTGRID, re.S)
    assert block, "eventgrid.bicep lists its blob triggers in `var blobTriggers`"
    return set(re.findall(r"\{ function: '([^']+)', container: '([^']+)' \}", block.group(1)))


def blob_triggers() -> list[Trigger]:
    return [t for t in triggers() if t.kind == "blob_trigger"]


def test_every_blob_trigger_uses_event_grid_and_has_a_subscription() -> None:
    found = blob_triggers()
    assert found, "the statement ingest is a blob trigger"
    subs = subscribed()
    for trigger in found:
        assert trigger.args.get("source") == "EVENT_GRID", (
            f"{trigger.function}: Flex Consumption supports only source=EventGrid"
        )
        container = trigger.args["path"].split("/", 1)[0]
        assert (trigger.function, container) in subs, (
            f"{trigger.function} ({container}/) has no Event Grid subscription in eventgrid.bicep"
        )


def test_no_subscription_without_a_trigger() -> None:
    names = {(t.function, t.args["path"].split("/", 1)[0]) for t in blob_triggers()}
    assert subscribed() <= names


def test_the_subscription_reaches_the_blob_extension_webhook() -> None:
    assert "Microsoft.EventGrid/systemTopics@" in EVENTGRID
    assert "topicType: 'Microsoft.Storage.StorageAccounts'" in EVENTGRID
    assert "Microsoft.EventGrid/systemTopics/eventSubscriptions@" in EVENTGRID
    assert "/runtime/webhooks/blobs?functionName=Host.Functions.${t.function}" in EVENTGRID
    assert "listKeys('${site.id}/host/default'" in EVENTGRID
    assert ".systemKeys.blobs_extension" in EVENTGRID
    assert "'Microsoft.Storage.BlobCreated'" in EVENTGRID
    assert (
        "subjectBeginsWith: '/blobServices/default/containers/${t.container}/blobs/'" in EVENTGRID
    )


def test_main_switches_the_subscription_on_after_the_first_deploy() -> None:
    main = (ROOT / "infra" / "main.bicep").read_text()
    params = (ROOT / "infra" / "main.parameters.json").read_text()
    hook = (ROOT / "infra" / "hooks" / "postdeploy.sh").read_text()
    azure_yaml = (ROOT / "azure.yaml").read_text()
    assert "subscriptionsEnabled: statementEventsEnabled" in main
    assert "${INNING_STATEMENT_EVENTS=false}" in params
    assert "azd env set INNING_STATEMENT_EVENTS true" in hook and "azd provision" in hook
    assert "infra/hooks/postdeploy.sh" in azure_yaml


def test_scanner_sees_a_blob_trigger_without_a_subscription(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The scanner itself: a new blob trigger would be found (and then fail the test above)."""
    (tmp_path / "extra.py").write_text(
        "import azure.functions as func\nbp = func.Blueprint()\n"
        "@bp.function_name('ingest_invoice_pdf')\n"
        "@bp.blob_trigger(arg_name='b', path='invoice-pdfs/{name}', connection='AzureWebJobsStorage',"
        " source=func.BlobSource.EVENT_GRID)\n"
        "def ingest_invoice_pdf(b): ...\n"
    )
    found = [t for t in triggers(tmp_path) if t.kind == "blob_trigger"]
    assert [(t.function, t.args["path"], t.args["source"]) for t in found] == [
        ("ingest_invoice_pdf", "invoice-pdfs/{name}", "EVENT_GRID")
    ]
    assert ("ingest_invoice_pdf", "invoice-pdfs") not in subscribed()
