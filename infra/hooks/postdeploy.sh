#!/bin/sh
# azd postdeploy hook: after the first code deploy the host has loaded the blob extension and
# owns its system key, and Event Grid can validate the webhook. Provision once more with the
# statement subscriptions switched on (infra/app/eventgrid.bicep); later runs keep the flag.
set -eu
if [ "$(azd env get-value INNING_STATEMENT_EVENTS 2>/dev/null || true)" = "true" ]; then
  exit 0
fi
azd env set INNING_STATEMENT_EVENTS true
azd provision --no-prompt
